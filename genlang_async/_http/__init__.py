"""The I/O shell: the only package that imports aiohttp.

Session and connection-pool lifecycle, request preparation, sending, the retry loop,
stream responses, upload and download.
"""

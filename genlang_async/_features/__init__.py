"""Hand-written behaviour of the resource namespaces.

Each ``<namespace>.py`` here holds the class the client uses for a namespace whose methods
are not all generated (uploads, downloads, ``client.operations``): a subclass of the
generated class in ``genlang_async.resources.<namespace>`` (or of ``Resource`` when nothing
is generated), declared in ``tools/codegen/api/hand_written.json``. See CONTRIBUTING.md,
"Pipeline extension points".
"""

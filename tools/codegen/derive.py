"""One-time derivation of ``tools/codegen/api/v1beta.json`` from Google's published specs.

Reads the OpenAPI export (newest schemas and methods) and the older discovery document (the
only source for ``corpora.documents`` / ``corpora.documents.chunks``), keeps facts only
(names, types, formats, enums, paths; never description prose) and writes the compact,
project-owned API description that ``generate.py`` (and the future resource generator) read.

    python tools/codegen/derive.py --spec-dir ../shared/spec

The output is deterministic; re-running it on the same inputs gives the same file.  See
``tools/codegen/README.md`` for the format.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "api" / "v1beta.json"
OPENAPI_FILE = "openapi-v1beta-rev20251218.json"
DISCOVERY_FILE = "discovery-v1beta-rev20240713.json"
SEEDS_FILE = "seed-methods.tsv"

FORMAT_VERSION = 1
RENAME_PREFIX = "GoogleAiGenerativelanguageV1beta"

# Custom methods whose path parameter is the model the request runs against.
MODEL_VERBS = {
    "generateContent",
    "streamGenerateContent",
    "countTokens",
    "embedContent",
    "batchEmbedContents",
    "generateAnswer",
    "generateMessage",
    "countMessageTokens",
    "generateText",
    "embedText",
    "batchEmbedText",
    "countTextTokens",
    "predict",
    "predictLongRunning",
}
# Custom methods that bind a field of a nested body message (same convention as the seeds).
NESTED_PARAM_VERBS = {
    "batchGenerateContent": "batch.model",
    "asyncBatchEmbedContent": "batch.model",
}
# Custom methods on a file search store name the store by this request field.
STORE_VERBS = {
    "importFile": "fileSearchStoreName",
    "uploadToFileSearchStore": "fileSearchStoreName",
}
# Methods that move media through the upload endpoint (``/upload`` prefix).
MEDIA_METHODS = {("media", "upload"), ("media", "uploadToFileSearchStore")}
# Global query parameters every Google API accepts; not part of any method.
GLOBAL_PARAMS = {"$alt", "$callback", "$prettyPrint", "$.xgafv"}


def lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def singular(field: str) -> str:
    """Enum type names are singular even for repeated fields (``responseModalities``)."""
    if field.endswith("ies"):
        return field[:-3] + "y"
    return field[:-1] if field.endswith("s") and not field.endswith("ss") else field


def clean_name(name: str) -> str:
    return name[len(RENAME_PREFIX) :] if name.startswith(RENAME_PREFIX) else name


class Deriver:
    def __init__(
        self, openapi: dict[str, Any], discovery: dict[str, Any], seeds: list[dict[str, str]]
    ):
        self.oa = openapi
        self.disco = discovery
        self.seeds = seeds
        self.enums: dict[str, list[str]] = {}
        self.schemas: dict[str, dict[str, Any]] = {}
        self.oa_schemas: dict[str, Any] = openapi["components"]["schemas"]
        self.enum_schema_names = {
            n for n, s in self.oa_schemas.items() if s.get("type") == "string" and "enum" in s
        }

    # ------------------------------------------------------------------ schemas

    def ref_type(self, ref: str) -> dict[str, Any]:
        name = ref.rsplit("/", 1)[-1]
        if name in self.enum_schema_names:
            self.enums.setdefault(name, list(self.oa_schemas[name]["enum"]))
            return {"type": "enum", "enum": name}
        return {"type": "ref", "ref": clean_name(name)}

    def scalar(self, typ: str | None, fmt: str | None) -> str:
        if typ == "string":
            return {
                "int64": "int64",
                "uint64": "int64",
                "byte": "bytes",
                "date-time": "timestamp",
                "google-datetime": "timestamp",
                "google-duration": "duration",
                "google-fieldmask": "fieldmask",
            }.get(fmt or "", "string")
        if typ == "integer":
            return "int32"
        if typ == "number":
            return "number"
        if typ == "boolean":
            return "bool"
        if typ == "any" or typ is None:
            return "json"
        raise ValueError(f"unsupported type {typ}/{fmt}")

    def type_of(self, prop: dict[str, Any], owner: str, field: str) -> dict[str, Any]:
        if "allOf" in prop:
            (inner,) = prop["allOf"]
            return self.ref_type(inner["$ref"])
        if "$ref" in prop:
            return self.ref_type(prop["$ref"])
        typ = prop.get("type")
        if typ == "array":
            return {"type": "array", "items": self.type_of(prop["items"], owner, singular(field))}
        if typ == "object":
            extra = prop.get("additionalProperties")
            if extra is None or ("$ref" not in extra and extra.get("type") in (None, "any")):
                return {"type": "struct"}
            return {"type": "map", "values": self.type_of(extra, owner, field)}
        if typ == "string" and "enum" in prop:
            name = clean_name(owner) + upper_first(field.lstrip("_"))
            values = list(prop["enum"])
            if name in self.enums and self.enums[name] != values:
                raise ValueError(f"enum name clash: {name}")
            self.enums[name] = values
            return {"type": "enum", "enum": name}
        return {"type": self.scalar(typ, prop.get("format"))}

    def flatten(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        props: dict[str, Any] = {}
        required: list[str] = list(schema.get("required", []))
        for part in schema.get("allOf", []):
            if "$ref" in part:
                base = self.oa_schemas[part["$ref"].rsplit("/", 1)[-1]]
                p, r = self.flatten(base)
            else:
                p, r = self.flatten(part)
            props.update(p)
            required += r
        props.update(schema.get("properties", {}))
        return props, required

    def field(self, owner: str, name: str, prop: dict[str, Any], required: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"name": name}
        out.update(self.type_of(prop, owner, name))
        if required:
            out["required"] = True
        if prop.get("readOnly"):
            out["read_only"] = True
        if prop.get("writeOnly"):
            out["write_only"] = True
        return out

    def derive_schemas(self) -> None:
        allof_bases = {
            part["$ref"].rsplit("/", 1)[-1]
            for s in self.oa_schemas.values()
            for part in s.get("allOf", [])
            if "$ref" in part
        }
        referenced = set(
            re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(self.oa["paths"]))
        )
        for s in self.oa_schemas.values():
            for prop in s.get("properties", {}).values():
                referenced |= set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(prop)))
        for name, schema in self.oa_schemas.items():
            if name in self.enum_schema_names:
                self.enums.setdefault(name, list(schema["enum"]))
                continue
            if name in allof_bases and name not in referenced:
                continue  # only a building block of other schemas (BaseOperation)
            props, required = self.flatten(schema)
            entry: dict[str, Any] = {
                "fields": [self.field(name, f, p, f in required) for f, p in props.items()]
            }
            if clean_name(name) != name:
                entry["spec_name"] = name
            self.schemas[clean_name(name)] = entry
        # Discovery: schemas OpenAPI dropped (corpora documents / chunks) and dropped fields.
        for name, schema in sorted(self.disco["schemas"].items()):
            props = schema.get("properties", {})
            if name not in self.schemas:
                fields = []
                for f, p in props.items():
                    req = p.get("description", "").startswith("Required.")
                    fields.append(self.disco_field(name, f, p, req))
                self.schemas[name] = {"source": "discovery", "fields": fields}
            else:
                known = {f["name"] for f in self.schemas[name]["fields"]}
                for f, p in props.items():
                    if f not in known:
                        entry = self.disco_field(name, f, p, False)
                        entry["source"] = "discovery"
                        self.schemas[name]["fields"].append(entry)

    def disco_field(self, owner: str, name: str, prop: dict[str, Any], req: bool) -> dict[str, Any]:
        fixed = json.loads(json.dumps(prop).replace('"$ref": "', '"$ref": "#/components/schemas/'))
        return self.field(owner, name, fixed, req)

    # ------------------------------------------------------------------ methods

    def seed_index(self) -> dict[tuple[str, str], dict[str, str]]:
        return {(s["resource"], s["method"]): s for s in self.seeds}

    @staticmethod
    def split_path(path: str) -> tuple[list[str], str | None]:
        path = path.removeprefix("/v1beta/").removeprefix("v1beta/")
        verb = None
        if ":" in path.rsplit("/", 1)[-1]:
            path, verb = path.rsplit(":", 1)
        return path.split("/"), verb

    def classify(self, http: str, flat: str) -> tuple[str, str, dict[str, Any] | None, str]:
        """Resource path, method name, path parameter and template for a flat REST path."""
        segs, verb = self.split_path(flat)
        collections = [s for s in segs if not s.startswith("{")]
        resource = ".".join(collections)
        ends_with_id = segs[-1].startswith("{")
        glob_all = "/".join("*" if s.startswith("{") else s for s in segs)
        glob_parent = "/".join("*" if s.startswith("{") else s for s in segs[:-1])
        if verb:
            method = verb
        elif http == "GET":
            method = "get" if ends_with_id else "list"
        elif http == "POST":
            method = "create"
        elif http == "PATCH":
            method = "patch"
        elif http == "DELETE":
            method = "delete"
        else:  # pragma: no cover - not in the specs
            raise ValueError(http)
        if ends_with_id:
            if verb in MODEL_VERBS:
                pname = "model"
            elif verb in NESTED_PARAM_VERBS:
                pname = NESTED_PARAM_VERBS[verb]
            elif verb in STORE_VERBS:
                pname = STORE_VERBS[verb]
            else:
                pname = "name"
            template = f"/v1beta/{{{pname}={glob_all}}}" + (f":{verb}" if verb else "")
            param = {"name": pname, "pattern": glob_all}
        elif len(segs) > 1:
            pname = "name" if segs[-1] == "operations" else "parent"
            template = f"/v1beta/{{{pname}={glob_parent}}}/{segs[-1]}" + (
                f":{verb}" if verb else ""
            )
            param = {"name": pname, "pattern": glob_parent}
        else:
            template = f"/v1beta/{segs[0]}" + (f":{verb}" if verb else "")
            param = None
        return resource, method, param, template

    def schema_ref(self, content: dict[str, Any] | None) -> str | None:
        if not content:
            return None
        ref = content["application/json"]["schema"]["$ref"]
        return clean_name(ref.rsplit("/", 1)[-1])

    def collect_openapi(self) -> list[dict[str, Any]]:
        out = []
        for flat, item in self.oa["paths"].items():
            for http, op in item.items():
                if http == "parameters":
                    continue
                http = http.upper()
                resource, method, param, template = self.classify(http, flat)
                if (http, flat) == ("POST", "/v1beta/files"):
                    resource, method = "media", "upload"
                if method == "uploadToFileSearchStore":
                    resource = "media"
                query = []
                for p in op.get("parameters", []):
                    if p["in"] != "query" or p["name"] in GLOBAL_PARAMS:
                        continue
                    query.append(
                        {
                            "name": p["name"],
                            "type": self.scalar(p["schema"]["type"], p["schema"].get("format")),
                        }
                    )
                out.append(
                    {
                        "resource": resource,
                        "method": method,
                        "http_method": http,
                        "flat_path": flat,
                        "path": template,
                        "path_param": param,
                        "query": query,
                        "request": self.schema_ref(op.get("requestBody", {}).get("content")),
                        "response": self.schema_ref(op["responses"]["default"].get("content")),
                        "lro_flag": op.get("x-google-lro") == "true",
                        "source": "openapi",
                    }
                )
        return out

    def collect_discovery(self) -> list[dict[str, Any]]:
        out = []

        def walk(resources: dict[str, Any], prefix: str) -> None:
            for rname, res in resources.items():
                rpath = prefix + rname
                for mname, m in res.get("methods", {}).items():
                    http = m["httpMethod"]
                    flat = "/" + m["flatPath"]
                    _, _, param, template = self.classify(http, flat)
                    if param is not None:
                        # discovery names its parameters itself; keep those names
                        (pname,) = m.get("parameterOrder", [param["name"]])
                        template = template.replace("{" + param["name"] + "=", "{" + pname + "=")
                        param = {"name": pname, "pattern": param["pattern"]}
                    query = [
                        {"name": n, "type": self.scalar(p["type"], p.get("format"))}
                        for n, p in m.get("parameters", {}).items()
                        if p["location"] == "query"
                    ]
                    out.append(
                        {
                            "resource": rpath,
                            "method": mname,
                            "http_method": http,
                            "flat_path": flat,
                            "path": template,
                            "path_param": param,
                            "query": sorted(query, key=lambda q: q["name"]),
                            "request": m.get("request", {}).get("$ref"),
                            "response": m.get("response", {}).get("$ref"),
                            "lro_flag": False,
                            "source": "discovery",
                        }
                    )
                walk(res.get("resources", {}), rpath + ".")

        walk(self.disco["resources"], "")
        return out

    def finish(self, m: dict[str, Any], seed: dict[str, str] | None) -> dict[str, Any]:
        if seed is not None:
            if seed["http"] != m["http_method"]:
                raise ValueError(f"seed verb mismatch for {seed}")
            match = re.fullmatch(r"/v1beta/\{([\w.]+)=([^}]+)\}(.*)", seed["path"])
            if match:
                pname, pattern, _ = match.groups()
                m["path_param"] = {"name": pname, "pattern": pattern}
            elif m["path_param"] is not None:
                raise ValueError(f"seed without path parameter: {seed}")
            else:
                m["path_param"] = None
            if m["path"] != seed["path"]:
                flat = re.compile(r"\{[\w.]+=([^}]+)\}")
                if flat.sub(r"\1", m["path"]) != flat.sub(r"\1", seed["path"]):
                    raise ValueError(f"seed path mismatch: {m['path']} vs {seed['path']}")
                m["path"] = seed["path"]
        param = m["path_param"]
        if param is not None:
            param["arg"] = param["name"].rsplit(".", 1)[-1]
        entry: dict[str, Any] = {
            "id": f"{m['resource']}.{m['method']}",
            "resource": m["resource"],
            "method": m["method"],
            "http_method": m["http_method"],
            "path": m["path"],
            "path_param": param,
            "query": m["query"],
        }
        req = m["request"]
        if req is None:
            entry["request"] = None
        else:
            request: dict[str, Any] = {"schema": req}
            if param and "." in param["name"]:
                request["path_field"] = param["name"]
            if not req.endswith("Request"):
                # the body is the resource itself (create / patch / update)
                request["resource_field"] = lower_first(req)
            entry["request"] = request
        resp = m["response"]
        entry["response"] = resp
        entry["list"] = self.list_info(m, resp)
        entry["long_running"] = self.lro_info(resp)
        if m["method"] == "streamGenerateContent":
            entry["stream"] = {"item": resp, "query": {"alt": "sse"}}
        if (m["resource"], m["method"]) in MEDIA_METHODS:
            entry["media_upload"] = {
                "path": "/upload" + m["path"],
                "protocols": ["resumable", "multipart"],
            }
        if m["method"] == "download":
            entry["media_download"] = {"query": {"alt": "media"}}
        entry["seed"] = seed is not None
        entry["source"] = m["source"]
        return entry

    def list_info(self, m: dict[str, Any], resp: str | None) -> dict[str, Any] | None:
        if m["http_method"] != "GET" or resp is None:
            return None
        if not any(q["name"] == "pageToken" for q in m["query"]):
            return None
        fields = self.schemas[resp]["fields"]
        items = [f for f in fields if f["type"] == "array" and f["items"]["type"] == "ref"]
        if len(items) != 1 or not any(f["name"] == "nextPageToken" for f in fields):
            raise ValueError(f"cannot find the items of {resp}")
        return {
            "items_field": items[0]["name"],
            "item_schema": items[0]["items"]["ref"],
            "page_size": "pageSize",
            "page_token": "pageToken",
            "next_page_token": "nextPageToken",
        }

    def lro_info(self, resp: str | None) -> dict[str, Any] | None:
        if resp is None:
            return None
        names = {f["name"] for f in self.schemas[resp]["fields"]}
        if not {"name", "done", "error", "metadata", "response"} <= names:
            return None
        out: dict[str, Any] = {"metadata": None, "response": None}
        for f in self.schemas[resp]["fields"]:
            if f["name"] in ("metadata", "response") and f["type"] == "ref":
                out[f["name"]] = f["ref"]
        return out

    def derive_methods(self) -> list[dict[str, Any]]:
        seeds = self.seed_index()
        openapi = self.collect_openapi()
        disco = self.collect_discovery()
        by_key: dict[tuple[str, str], dict[str, Any]] = {}
        for m in openapi:
            key = (m["resource"], m["method"])
            if key in by_key:
                raise ValueError(f"duplicate method {key}")
            by_key[key] = m
        for m in disco:
            key = (m["resource"], m["method"])
            if key in by_key:
                # the OpenAPI entry is newer; discovery only fills query params it lacks
                have = {q["name"] for q in by_key[key]["query"]}
                by_key[key]["query"] += [q for q in m["query"] if q["name"] not in have]
            else:
                by_key[key] = m
        missing = set(seeds) - set(by_key)
        if missing:
            raise ValueError(f"seed methods not found in the specs: {sorted(missing)}")
        return [self.finish(by_key[k], seeds.get(k)) for k in sorted(by_key)]

    def run(self) -> dict[str, Any]:
        self.derive_schemas()
        methods = self.derive_methods()
        for name, schema in self.schemas.items():
            for f in schema["fields"]:
                self.check_refs(name, f)
        return {
            "format": FORMAT_VERSION,
            "api": "generativelanguage",
            "version": "v1beta",
            "sources": {
                "openapi": f"{OPENAPI_FILE} (revision {self.oa['info'].get('x-google-revision')})",
                "discovery": f"{DISCOVERY_FILE} (revision {self.disco['revision']})",
                "seeds": SEEDS_FILE,
            },
            "enums": {name: {"values": self.enums[name]} for name in sorted(self.enums)},
            "schemas": {name: self.schemas[name] for name in sorted(self.schemas)},
            "methods": methods,
        }

    def check_refs(self, owner: str, t: dict[str, Any]) -> None:
        if t["type"] == "ref" and t["ref"] not in self.schemas:
            raise ValueError(f"{owner}: unknown schema {t['ref']}")
        if t["type"] == "enum" and t["enum"] not in self.enums:
            raise ValueError(f"{owner}: unknown enum {t['enum']}")
        for sub in ("items", "values"):
            if sub in t:
                self.check_refs(owner, t[sub])


def dump(doc: dict[str, Any]) -> str:
    """JSON with one schema field / method per line: readable diffs, stable output."""
    lines = ["{"]
    head = {k: v for k, v in doc.items() if k not in ("enums", "schemas", "methods")}
    for k, v in head.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)},")
    lines.append('  "enums": {')
    items = list(doc["enums"].items())
    for i, (k, v) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"    {json.dumps(k)}: {json.dumps(v)}{comma}")
    lines.append("  },")
    lines.append('  "schemas": {')
    schemas = list(doc["schemas"].items())
    for i, (name, s) in enumerate(schemas):
        meta = {k: v for k, v in s.items() if k != "fields"}
        opening = json.dumps(meta)[:-1] + (", " if meta else "") + '"fields": ['
        lines.append(f"    {json.dumps(name)}: {opening}")
        for j, f in enumerate(s["fields"]):
            comma = "," if j < len(s["fields"]) - 1 else ""
            lines.append(f"      {json.dumps(f)}{comma}")
        comma = "," if i < len(schemas) - 1 else ""
        lines.append(f"    ]}}{comma}")
    lines.append("  },")
    lines.append('  "methods": [')
    for i, m in enumerate(doc["methods"]):
        comma = "," if i < len(doc["methods"]) - 1 else ""
        lines.append(f"    {json.dumps(m)}{comma}")
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec-dir", type=Path, default=HERE.parents[1] / ".." / "shared" / "spec")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    spec = args.spec_dir
    openapi = json.loads((spec / OPENAPI_FILE).read_text())
    discovery = json.loads((spec / DISCOVERY_FILE).read_text())
    with (spec / SEEDS_FILE).open() as fh:
        seeds = list(csv.DictReader(fh, delimiter="\t"))
    doc = Deriver(openapi, discovery, seeds).run()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(doc))
    json.loads(args.out.read_text())  # the hand-rolled layout must still be JSON
    n_seed = sum(m["seed"] for m in doc["methods"])
    print(
        f"wrote {args.out}: {len(doc['schemas'])} schemas, {len(doc['enums'])} enums, "
        f"{len(doc['methods'])} methods ({n_seed} seeds)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Generated seeds: source maps and wasm modules that carry secrets, and one `project` input per
fixture project (its files as `path\\ncontent` chunks joined by NUL, config and manifests first,
at most 16 files, binary files left out). Run from fuzz/ (seed.sh does)."""
import hashlib
import json
import os


def put(d, b):
    if isinstance(b, str):
        b = b.encode()
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(b).hexdigest()[:16]), "wb") as f:
        f.write(b)


K = "sk_live_" + "Ab3dEf6hIj9kLm2nOp5q"
T = "sk_test_" + "Zy9xWv8uTs7rQp6oNm5l"
W = "whsec_" + "Qw3eRt6yUi9oPa2sDf5g"

# Source maps.
srcs = [
    ("src/config.ts", f'export const k = "{K}";\nconst api = "https://gate-api.0bit.app/v1/gate_sessions";\nfetch(api, {{method:"POST"}});\n'),
    ("src/lib.rs", f'const KEY: &str = "{T}";\n#[cfg(feature = "ssr")]\nfn s() {{ env!("GATE_SECRET_KEY"); }}\n'),
    (None, f"// {W}\nimport.meta.env.VITE_GATE_SECRET_KEY\n"),
]
sm = "corpus/source_map"
put(sm, json.dumps({"version": 3, "sources": [s[0] for s in srcs], "sourcesContent": [s[1] for s in srcs], "mappings": "AAAA"}))
put(sm, json.dumps({"version": 3, "sources": ["a.ts"], "sourcesContent": [f"const a='{K}';const b='{K}';"], "mappings": ""}) + "\n//" + K + " " + K)
put(sm, '{"version":3,"sources":["\\u00e9.ts",null],"sourcesContent":["const \\u00e9 = \\"' + K + '\\"; // \\ud83d\\ude00",null],"names":[],"mappings":";;"}')
put(sm, json.dumps({"version": 3, "sections": [{"offset": {"line": 0, "column": 0}, "map": {"version": 3, "sources": ["x.js"], "sourcesContent": ["x"], "mappings": ""}}]}))
put(sm, json.dumps({"version": 3, "sources": [], "sourcesContent": [f"launchlint: allow(hardcoded-secret-key) reason\n{K}"]}))


# Wasm modules.
def leb(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def sec(id, body):
    return bytes([id]) + leb(len(body)) + body


def vec(items):
    return leb(len(items)) + b"".join(items)


def name(s):
    s = s.encode()
    return leb(len(s)) + s


def active(data):
    return b"\x00\x41\x80\x08\x0b" + leb(len(data)) + data


def passive(data):
    return b"\x01" + leb(len(data)) + data


hdr = b"\0asm\x01\0\0\0"
mem = sec(5, vec([b"\x00\x01"]))
d1 = f"https://gate-api.0bit.app/v1/gate_sessions\0Bearer {K}\0{W}\0pk_live_abcdefghijklmnop".encode()
wm = "corpus/wasm"
put(wm, hdr + mem + sec(11, vec([active(d1), passive(T.encode() + b"\x01\x02" + b"gsec_" + b"a" * 20)])))
put(wm, hdr + sec(0, name("producers") + b"rustc sk_live_0123456789abcdefXYZ") + mem + sec(11, vec([active(b"hello world, this is data" + K.encode())])))
put(wm, hdr + sec(12, leb(2)) + sec(11, vec([passive(K.encode()), passive(b"x" * 40)])))
put(wm, hdr + sec(11, vec([active(K.encode())]))[:-5])
put(wm, b"\0asm\x0d\0\x01\0" + K.encode())
put(wm, b"junk\0" + K.encode() + b"\0more text here https://gate.0bit.app")

# Projects.
roots = []
for rule in sorted(os.listdir("../fixtures")):
    p = os.path.join("../fixtures", rule)
    if rule == "demo":
        roots.append(p)
        continue
    for case in sorted(os.listdir(p)):
        roots.append(os.path.join(p, case))


def order(entry):
    path = entry[0]
    if path in ("launchlint.toml", ".launchlint.toml"):
        return (0, path)
    if path.endswith(("Cargo.toml", "package.json", "Trunk.toml")):
        return (1, path)
    return (2, path)


for r in roots:
    files = []
    for dp, _, fn in os.walk(r):
        for f in sorted(fn):
            full = os.path.join(dp, f)
            with open(full, "rb") as fh:
                b = fh.read()
            if b"\0" in b or f == ".gitignore":
                continue
            files.append((os.path.relpath(full, r), b))
    files.sort(key=order)
    data = b"\0".join(p.encode() + b"\n" + c for p, c in files[:16])[:131072]
    put("corpus/project", data)

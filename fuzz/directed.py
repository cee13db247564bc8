"""Writes the hand-made inputs of the directed tests to artifacts/directed/: inputs too big or
too regular for the fuzzers to find (they are capped at 64 KiB), each aimed at one finding of
the first fuzzing run. Run from fuzz/: `python3 directed.py`, then scan each one in a small
project (see README, "Directed inputs")."""
import os

out = "artifacts/directed"
os.makedirs(out, exist_ok=True)


def write(name, text):
    data = text.encode() if isinstance(text, str) else text
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


# Stack overflow in syn on the 64 MiB worker stack: 16,500 nested blocks (33 KB).
write("rust-deep-blocks.rs", "fn f() { " + "{" * 16500 + "}" * 16500 + " }\n")
# Panic: `&text[open..open + 2000]` in js::requests cuts the `é` (2,006 bytes).
write("js-fetch-slice-char-boundary.ts", b'fetch(""' + b"a" * 1996 + "é".encode())
# Quadratic: every unclosed `export function loader(` scans to the end of the file (736 KB).
write("js-unclosed-server-functions.ts", "export function loader(" * 32000)
# Quadratic: every env read is checked against every comment range (1.8 MB).
write("js-comments-times-env-reads.ts", "//c\nimport.meta.env.X;\n" * 80000)
# Quadratic: every credential looks for its assignment, every assignment for its credential
# (analyze_env, secret-env-in-client) (3.5 MB).
write(
    "env-many-public-secrets.env",
    "".join(
        f"VITE_K{i}=sk_{'live' if i % 2 else 'test'}_Ab3dEf6hIj9kLm2nOp{i:06d}\n"
        f"ALLOWED_ORIGINS=http://a{i}.example.com\n"
        for i in range(40000)
    ),
)
# Super-linear suppression matching: a suppressed secret on each of 40,000 lines (3.8 MB).
write(
    "config-many-suppressions.toml",
    "".join(
        f'key{i} = "sk_live_Ab3dEf6hIj9kLm2nOp{i:06d}" # launchlint: allow(hardcoded-secret-key) rotated\n'
        for i in range(40000)
    ),
)

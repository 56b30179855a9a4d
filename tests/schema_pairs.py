"""Random pairs of schemas (a schema and a mutation of it) for the property
test of `diff`: models with scalar and enum fields, optional or not, defaults,
indexes, uniques, relations; mutated by adding and removing models and
fields, toggling `?`, changing defaults and indexes, changing a field's type
(casts, enums, lists), adding, removing and reordering enum values.
Seeded: a failing pair is reproduced by its seed."""

from __future__ import annotations

import copy
import random

TYPES = ["String", "Int", "BigInt", "Boolean", "Float", "DateTime", "Json"]
DEFAULTS = {
    "String": ['"a"', '"b"'],
    "Int": ["1", "2"],
    "BigInt": ["3"],
    "Boolean": ["true", "false"],
    "Float": ["1.5"],
    "DateTime": ["now()"],
    "Json": [],
}


def random_model_spec(rng, names):
    spec = {"enums": {}, "models": {}}
    for e in rng.sample(["Role", "Status", "Kind"], rng.randint(0, 2)):
        spec["enums"][e] = rng.sample(["A", "B", "C", "D"], rng.randint(1, 3))
    for m in names:
        fields = {}
        for i in range(rng.randint(1, 5)):
            t = rng.choice(TYPES + list(spec["enums"]))
            fields[f"f{i}_{rng.randint(0,9)}"] = {
                "type": t,
                "opt": rng.random() < 0.4,
                "default": (
                    rng.choice(DEFAULTS.get(t, []))
                    if DEFAULTS.get(t) and rng.random() < 0.3
                    else (
                        spec["enums"][t][0] if t in spec["enums"] and rng.random() < 0.3 else None
                    )
                ),
            }
        spec["models"][m] = {"fields": fields, "index": None, "unique": None}
        keys = list(fields)
        if keys and rng.random() < 0.4:
            spec["models"][m]["index"] = rng.choice(keys)
        if keys and rng.random() < 0.3:
            spec["models"][m]["unique"] = rng.choice(keys)
    # relations: some models point at an earlier one
    for i, m in enumerate(names[1:], 1):
        if rng.random() < 0.5:
            spec["models"][m]["rel"] = names[rng.randrange(i)]
    return spec


def mutate(rng, spec):
    s = copy.deepcopy(spec)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        models = list(s["models"])
        m = rng.choice(models)
        f = s["models"][m]["fields"]
        if op < 0.15 and len(models) > 1:
            victim = models[-1]
            del s["models"][victim]
            for other in s["models"].values():
                if other.get("rel") == victim:
                    other.pop("rel")
        elif op < 0.3:
            s["models"][f"M{rng.randint(10,99)}"] = {
                "fields": {"x": {"type": "String", "opt": True, "default": None}},
                "index": None,
                "unique": None,
            }
        elif op < 0.45:
            f[f"n{rng.randint(0,99)}"] = {
                "type": rng.choice(TYPES),
                "opt": rng.random() < 0.6,
                "default": None,
            }
        elif op < 0.55 and f:
            k = rng.choice(list(f))
            del f[k]
            for key in ("index", "unique"):
                if s["models"][m][key] == k:
                    s["models"][m][key] = None
        elif op < 0.7 and f:
            k = rng.choice(list(f))
            f[k]["opt"] = not f[k]["opt"]
        elif op < 0.8 and f:
            k = rng.choice(list(f))
            t = f[k]["type"]
            if DEFAULTS.get(t):
                f[k]["default"] = rng.choice(DEFAULTS[t] + [None])
        elif op < 0.9 and f:
            s["models"][m]["index"] = rng.choice(list(f) + [None])
        elif op < 0.92 and f:
            # Any type change: one Prisma casts, or one it drops and adds again
            # (another scalar, an enum, a list).
            k = rng.choice(list(f))
            natives = ["String@db.VarChar(20)", "String@db.VarChar(3)", "String@db.Char(5)"]
            f[k]["type"] = rng.choice(TYPES + natives + list(s["enums"]))
            f[k]["list"] = f[k]["type"] != "Json" and rng.random() < 0.25
            f[k]["default"] = None
        elif s["enums"] and op < 0.935:
            e = rng.choice(list(s["enums"]))  # values reordered: Prisma writes nothing
            rng.shuffle(s["enums"][e])
        elif s["enums"] and op < 0.95:
            e = rng.choice(list(s["enums"]))
            if len(s["enums"][e]) > 1:  # removing a value: Prisma recreates the type
                victim = rng.choice(s["enums"][e])
                s["enums"][e] = [v for v in s["enums"][e] if v != victim]
        elif s["enums"]:
            e = rng.choice(list(s["enums"]))
            s["enums"][e] = (
                s["enums"][e] + [f"V{rng.randint(0,9)}"]
                if "V" not in "".join(s["enums"][e])
                else s["enums"][e]
            )
    return s


def render(spec):
    out = ['datasource db {\n  provider = "postgresql"\n  schemas  = ["anythingllm"]\n}\n']
    for e, vals in spec["enums"].items():
        out.append(
            f"enum {e} {{\n"
            + "".join(f"  {v}\n" for v in dict.fromkeys(vals))
            + '  @@schema("anythingllm")\n}\n'
        )
    back = {}
    for m, d in spec["models"].items():
        if d.get("rel") in spec["models"]:
            back.setdefault(d["rel"], []).append(m)
    for m, d in spec["models"].items():
        lines = ["  id Int @id @default(autoincrement())"]
        for k, fd in d["fields"].items():
            t, _, native = fd["type"].partition("@")
            native = f" @{native}" if native else ""
            if t in spec["enums"] or t in TYPES:
                dflt = (
                    f" @default({fd['default']})"
                    if fd["default"]
                    and not fd.get("list")
                    and (t not in spec["enums"] or fd["default"] in spec["enums"][t])
                    else ""
                )
                arity = "[]" if fd.get("list") else "?" if fd["opt"] else ""
                lines.append(f"  {k} {t}{arity}{dflt}{native}")
        if d.get("rel") in spec["models"]:
            r = d["rel"]
            lines.append(f"  {r.lower()}Id Int?")
            lines.append(f"  {r.lower()} {r}? @relation(fields: [{r.lower()}Id], references: [id])")
        for b in back.get(m, []):
            lines.append(f"  {b.lower()}s {b}[]")
        fields = [
            k for k, fd in d["fields"].items() if fd["type"] in spec["enums"] or fd["type"] in TYPES
        ]
        if d["index"] in fields and d["fields"][d["index"]]["type"] != "Json":
            lines.append(f"  @@index([{d['index']}])")
        if (
            d["unique"] in fields
            and d["fields"][d["unique"]]["type"] != "Json"
            and d["unique"] != d["index"]
        ):
            lines.append(f"  @@unique([{d['unique']}])")
        lines.append('  @@schema("anythingllm")')
        out.append(f"model {m} {{\n" + "\n".join(lines) + "\n}\n")
    return "\n".join(out)


def pair(seed: int) -> tuple[str, str]:
    rng = random.Random(seed)
    names = [f"M{i}" for i in range(rng.randint(1, 4))]
    spec = random_model_spec(rng, names)
    return render(spec), render(mutate(rng, spec))

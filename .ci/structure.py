"""Checks the shape of the hand-written code: no import circles between modules (a module
that reaches another through `crate::` or `super::` paths must not be reached back), and
no file over the size limit. Generated code and tests are not held to it."""
import os
import re
import sys

MAX_LINES = 800
ROOTS = ["src", "sandbox/src", "codegen/src", "cli/src"]


def modules(root):
    """Every module of a crate source tree, by path (`ws::state`), with its text."""
    found = {}
    for folder, _, files in os.walk(root):
        if "generated" in folder:
            continue
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, root)[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            if parts in (["lib"], ["main"]) or not parts:
                continue
            found["::".join(parts)] = (path, open(path, encoding="utf-8").read())
    return found


def edges(mods):
    """Which module refers to which, from `crate::a::b` and `super::x` paths outside tests."""
    graph = {m: set() for m in mods}
    for m, (_, text) in mods.items():
        text = text.split("#[cfg(test)]")[0]
        for ref in re.findall(r"crate::((?:[a-z_][a-z_0-9]*)(?:::[a-z_][a-z_0-9]*)*)", text):
            parts = ref.split("::")
            for k in range(len(parts), 0, -1):
                target = "::".join(parts[:k])
                if target in mods and target != m:
                    graph[m].add(target)
                    break
        parent = m.split("::")[:-1]
        for ref in re.findall(r"super::([a-z_][a-z_0-9]*)", text):
            target = "::".join(parent + [ref])
            if target in mods and target != m:
                graph[m].add(target)
    return graph


def circles(graph):
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def main():
    problems = []
    for root in ROOTS:
        mods = modules(root)
        for group in circles(edges(mods)):
            problems.append(f"{root}: import circle between {', '.join(group)}")
        for path, text in mods.values():
            lines = text.count("\n")
            if lines > MAX_LINES:
                problems.append(f"{path}: {lines} lines (at most {MAX_LINES})")
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"structure: no import circles, no file over {MAX_LINES} lines ({', '.join(ROOTS)})")


if __name__ == "__main__":
    main()

""".pre-commit-hooks.yaml with the real pre-commit, in a throw-away
repository: the hooks install, pass on a clean schema and fail on a stale or
risky one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

HEAD = 'datasource db {\n  provider = "postgresql"\n}\n\n'
SCHEMA = HEAD + "model A {\n  id Int @id\n  n  String\n}\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout as it is now (uncommitted work included), as a git
    repository pre-commit can install the hooks from: (path, commit)."""
    snapshot = tmp_path_factory.mktemp("hooks-repo")
    listed = git(ROOT, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(snapshot, "init", "-q", "-b", "main")
    git(snapshot, "add", "-A")
    git(snapshot, "-c", "user.email=h@example.com", "-c", "user.name=h", "commit", "-qm", "x")
    return snapshot, git(snapshot, "rev-parse", "HEAD").strip()


def test_the_hooks_install_pass_when_clean_and_fail_when_stale(hooks_repo, tmp_path):
    repo_path, rev = hooks_repo
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "p@example.com")
    git(project, "config", "user.name", "p")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo_path}\n    rev: {rev}\n    hooks:\n"
        "      - id: prisma-isolate-check\n"
        "      - id: prisma-isolate-generate\n"
        "      - id: prisma-isolate-review\n"
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("VIRTUAL_ENV", None)
    schema = project / "schema.prisma"
    schema.write_text(SCHEMA)
    tool = [sys.executable, "-m", "generator"]
    subprocess.run([*tool, "rewrite", "--in-place", "schema.prisma", "-q"], cwd=project, check=True)
    subprocess.run([*tool, "generate", "schema.prisma", "-o", "out", "-q"], cwd=project, check=True)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "isolated")

    def pre_commit(*args: str):
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", *args, "--all-files"],
            cwd=project,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )

    clean = pre_commit()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.count("Passed") == 3, clean.stdout
    # A new model without @@schema and a required column without a default;
    # out/ not regenerated.
    schema.write_text(
        schema.read_text().replace("  n  String\n", "  n  String\n  k  Int\n")
        + "\nmodel B {\n  id Int @id\n}\n"
    )
    git(project, "add", "-A")
    for hook, expected in (
        ("prisma-isolate-check", "would be rewritten"),
        ("prisma-isolate-generate", "would write"),
        ("prisma-isolate-review", "PI201 required-column-without-default"),
    ):
        result = pre_commit(hook)
        assert result.returncode == 1, result.stdout
        assert "Failed" in result.stdout and expected in result.stdout, result.stdout


# --- the GitHub Action ------------------------------------------------------------------


def test_action_inputs_never_reach_the_shell_by_interpolation():
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step
        if "uses" in step:  # pinned to a commit
            assert len(step["uses"].split("@")[1]) == 40, step["uses"]
    review = next(s for s in action["runs"]["steps"] if s.get("id") == "review")
    assert set(review["env"]) >= {"INPUT_SCHEMA", "INPUT_ARGS", "INPUT_TOKEN", "INPUT_FAIL_ON"}


class _FakeGitHub:
    """GitHub's three comment endpoints, on localhost, remembering what was asked."""

    def __init__(self):
        import http.server
        import json
        import threading

        self.comments: list[dict] = []
        self.requests: list[tuple[str, str, dict | None]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null")

            def do_GET(self):  # noqa: N802
                owner.requests.append(("GET", self.path, None))
                assert self.headers["Authorization"] == "Bearer t0ken"
                self._reply(owner.comments)

            def do_POST(self):  # noqa: N802
                body = self._body()
                owner.requests.append(("POST", self.path, body))
                comment = {"id": 100 + len(owner.comments), "body": body["body"]}
                owner.comments.append(comment)
                self._reply(comment)

            def do_PATCH(self):  # noqa: N802
                body = self._body()
                owner.requests.append(("PATCH", self.path, body))
                comment_id = int(self.path.rsplit("/", 1)[1])
                for comment in owner.comments:
                    if comment["id"] == comment_id:
                        comment["body"] = body["body"]
                self._reply({"id": comment_id})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def test_the_action_annotates_summarises_and_keeps_one_comment(tmp_path):
    import json

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "p@example.com")
    git(project, "config", "user.name", "p")
    schema = project / "schema.prisma"
    schema.write_text(SCHEMA + "\nmodel B {\n  id Int @id\n}\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    git(project, "update-ref", "refs/remotes/origin/main", "main")  # as actions/checkout fetches it
    git(project, "checkout", "-qb", "change")
    schema.write_text(SCHEMA)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    github = _FakeGitHub()
    env = {
        **os.environ,
        "PRISMA_ISOLATE": f"{sys.executable} -m generator",
        "INPUT_SCHEMA": "schema.prisma",
        "INPUT_ARGS": "--schema app",
        "INPUT_FAIL_ON": "error",
        "INPUT_COMMENT": "true",
        "INPUT_TOKEN": "t0ken",
        "GITHUB_BASE_REF": "main",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "owner/repo",
        "GITHUB_API_URL": github.url,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
    }
    try:
        runs = [
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "github_action.py")],
                cwd=project,
                capture_output=True,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
    finally:
        github.close()
    for run in runs:
        assert run.returncode == 1, run.stdout + run.stderr  # an error finding, --fail-on error
        assert "::error file=schema.prisma,title=PI101 table-dropped::" in run.stdout
    assert [method for method, _, _ in github.requests] == ["GET", "POST", "GET", "PATCH"]
    assert github.requests[1][1] == "/repos/owner/repo/issues/7/comments"
    assert github.requests[3][1] == "/repos/owner/repo/issues/comments/100"
    (comment,) = github.comments
    assert comment["body"].startswith("<!-- prisma-isolate review: schema.prisma -->")
    assert "`PI101` table-dropped" in comment["body"]
    assert summary.read_text().count("<!-- prisma-isolate review: ") == 2
    assert "errors=1\nwarnings=0\nchanged=true\n" in output.read_text()

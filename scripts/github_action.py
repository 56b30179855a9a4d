"""The GitHub Action's one step (action.yml runs it): review the schema change
of a pull request, annotate the schema's lines, write the markdown report to
the job summary, optionally post or update one pull-request comment, and exit
as `review` does.

Everything comes from the environment (action.yml passes its inputs as
INPUT_* variables, never through the shell):

  INPUT_SCHEMA, INPUT_OUTPUT, INPUT_ARGS (more review options, shell-split),
  INPUT_FAIL_ON, INPUT_COMMENT ("true" posts the comment), INPUT_TOKEN
  GITHUB_BASE_REF, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL,
  GITHUB_STEP_SUMMARY, GITHUB_OUTPUT
  PRISMA_ISOLATE (the command; default `prisma-isolate`)
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import urllib.request

MARKER = "<!-- prisma-isolate review:"


def review(fmt: str) -> subprocess.CompletedProcess:
    command = shlex.split(os.environ.get("PRISMA_ISOLATE", "prisma-isolate"))
    command += ["review", os.environ.get("INPUT_SCHEMA") or "schema.prisma", "--format", fmt]
    if os.environ.get("INPUT_OUTPUT"):
        command += ["-o", os.environ["INPUT_OUTPUT"]]
    base = os.environ.get("GITHUB_BASE_REF")
    if base:  # a pull request: compare with its target branch as fetched
        command += ["--base", f"origin/{base}"]
    command += ["--fail-on", os.environ.get("INPUT_FAIL_ON") or "error"]
    command += shlex.split(os.environ.get("INPUT_ARGS") or "")
    return subprocess.run(command, capture_output=True, text=True)


def pull_request_number() -> int | None:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        event = json.load(handle)
    number = (event.get("pull_request") or {}).get("number")
    return int(number) if number is not None else None


def api(method: str, url: str, token: str, body: dict | None = None):
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode("utf-8"),
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def upsert_comment(markdown: str) -> str:
    """Post the report on the pull request, or edit the one posted before
    (found by its marker line).  Returns what was done."""
    number = pull_request_number()
    token = os.environ.get("INPUT_TOKEN")
    if number is None:
        return "not a pull request: no comment"
    if not token:
        return "no token: no comment"
    base = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    repository = os.environ["GITHUB_REPOSITORY"]
    comments = api("GET", f"{base}/repos/{repository}/issues/{number}/comments?per_page=100", token)
    marker = markdown.split("\n", 1)[0]
    for comment in comments or []:
        if str(comment.get("body", "")).startswith(marker):
            api(
                "PATCH",
                f"{base}/repos/{repository}/issues/comments/{comment['id']}",
                token,
                {"body": markdown},
            )
            return f"updated comment {comment['id']}"
    created = api(
        "POST", f"{base}/repos/{repository}/issues/{number}/comments", token, {"body": markdown}
    )
    return f"posted comment {created['id']}"


def main() -> int:
    annotations = review("github")
    sys.stdout.write(annotations.stdout)  # the runner turns ::error lines into annotations
    if annotations.returncode == 2:
        sys.stderr.write(annotations.stderr)
        return 2
    markdown = review("markdown").stdout
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    report = json.loads(review("json").stdout)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"errors={report['counts']['error']}\n")
            handle.write(f"warnings={report['counts']['warning']}\n")
            handle.write(f"changed={'true' if report['changed'] else 'false'}\n")
    if (os.environ.get("INPUT_COMMENT") or "").lower() == "true":
        try:
            print(upsert_comment(markdown))
        except OSError as error:  # a fork's read-only token, the API down: say so, go on
            print(f"::warning title=prisma-isolate review::could not comment: {error}")
    return annotations.returncode


if __name__ == "__main__":
    sys.exit(main())

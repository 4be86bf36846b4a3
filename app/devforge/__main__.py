"""``python -m app.devforge``: run the fake GitHub + GitLab until interrupted.

Creates one user (same name and token on both forges) and, with ``--repo``, a repository
owned by that user on both, holding an empty ``schema/`` file so it can be planned.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import threading

from app.devforge.server import DevForge


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.devforge", description=__doc__)
    parser.add_argument("--gitlab-edition", choices=["ce", "ee"], default="ce")
    parser.add_argument("--user", default="schemagate", help="the account to create")
    parser.add_argument("--token", default=None, help="its token (default: random)")
    parser.add_argument("--repo", default=None, help="e.g. acme/shop: create it on both forges")
    args = parser.parse_args(argv)
    token = args.token or f"devforge-{secrets.token_hex(12)}"
    forge = DevForge(gitlab_edition=args.gitlab_edition)
    forge.start()
    try:
        for driver in (forge.github, forge.gitlab):
            driver.add_user(args.user, token=token)
            if args.repo:
                driver.create_repo(args.repo, owner=args.user, files={"schema/000.sql": ""})
        print(f"GitHub API: {forge.github_url} (Enterprise layout: {forge.github_enterprise_url})")
        print(f"GitLab URL: {forge.gitlab_url} (edition {args.gitlab_edition})")
        print(f"user {args.user}, token {token}; Ctrl-C stops.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        forge.stop()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

"""Shared by the file-format checks: named checks with the closing `LABEL: N passed, N failed` line CI greps for,
and one HTTP helper (JSON or form bodies, bearer tokens, redirects not followed)."""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request


class Checks:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {str(detail)[:400]}")

    def call(self, method, path, body=None, token=None, form=False):
        """(status, body bytes, headers); an HTTP error status is returned, not raised."""
        req = urllib.request.Request(self.base + path, method=method)
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
            req.add_header("Content-Type", "application/x-www-form-urlencoded" if form else "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(req, data=data, timeout=60) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def token(self, user, password="Demo@2026"):
        return json.loads(self.call("POST", "/api/v1/tokens", {"username": user, "password": password})[1])["token"]

    def finish(self, label, error=None):
        if error is not None:
            self.check(f"{label} ran to the end", False, repr(error))
        print(f"{label}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)

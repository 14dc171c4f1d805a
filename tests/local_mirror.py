"""A local HTTP mirror on 127.0.0.1 for the download tests: real sockets, nothing in urllib mocked."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Mirror:
    """A local HTTP mirror serving `files` (name -> bytes); it records each request path.

    With `drop_midway`, it announces the full Content-Length, sends half the body and
    closes the connection. A name it does not have gets HTTP 404.
    """

    def __init__(self, files, drop_midway=False):
        self.files = files
        self.drop_midway = drop_midway
        self.requests = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _MirrorHandler)
        self.server.mirror = self
        self.url = f"http://127.0.0.1:{self.server.server_port}/mnist/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class _MirrorHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        mirror = self.server.mirror
        mirror.requests.append(self.path)
        body = mirror.files.get(self.path.rsplit("/", 1)[-1])
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if mirror.drop_midway else body)
        self.close_connection = True

    def log_message(self, *args):
        pass

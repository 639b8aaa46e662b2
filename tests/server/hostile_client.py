"""Hostile HTTP clients for tests/server/server_hostile.sh (raw sockets: what curl will not do).

  hostile_client.py HOST PORT big TOKEN            Content-Length over 1 MiB, no body sent: the
                                                   answer must come before any body byte
  hostile_client.py HOST PORT dribble-headers S    one header byte every 0.3 s: seconds until the
                                                   server closes (at most S)
  hostile_client.py HOST PORT dribble-body TOKEN S headers, then one body byte every 0.3 s
  hostile_client.py HOST PORT flood FROM N S       N connections from address FROM, held S s:
                                                   prints how many the server kept open;
                                                   "connected" on stderr once all are made
  hostile_client.py HOST PORT slow-post TOKEN PATH BODY S
                                                   a POST whose body takes S s to send: prints
                                                   the answer's status line, then its body;
                                                   "in flight" on stderr once a fifth is sent
"""
import socket
import sys
import time


def connect(host, port, source=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    return s


def closed_within(s, limit, dribble):
    """Sends `dribble` one byte every 0.3 s until the server closes; the seconds it took."""
    start = time.monotonic()
    s.settimeout(0.3)
    i = 0
    while time.monotonic() - start < limit:
        try:
            if s.recv(4096) == b"":
                return time.monotonic() - start
        except socket.timeout:
            pass
        except ConnectionError:
            return time.monotonic() - start
        try:
            s.send(dribble[i % len(dribble):i % len(dribble) + 1])
        except (BrokenPipeError, ConnectionError):
            return time.monotonic() - start
        i += 1
    return None


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "big":
        s = connect(host, port)
        s.sendall(("POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: 1048577\r\n\r\n" % sys.argv[4]).encode())
        s.settimeout(10)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        print(answer.split(b"\r\n", 1)[0].decode())
    elif mode == "dribble-headers":
        s = connect(host, port)
        took = closed_within(s, float(sys.argv[4]), b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 1000)
        print("closed" if took is not None else "open", "%.1f" % (took or 0))
    elif mode == "dribble-body":
        s = connect(host, port)
        s.sendall(("POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n" % sys.argv[4]).encode())
        took = closed_within(s, float(sys.argv[5]), b"[" + b" " * 998 + b"]")
        print("closed" if took is not None else "open", "%.1f" % (took or 0))
    elif mode == "flood":
        source, n, hold = sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
        conns = []
        for _ in range(n):
            try:
                conns.append(connect(host, port, source))
            except OSError:
                break
        print("connected", file=sys.stderr, flush=True)
        time.sleep(hold)
        open_ = 0
        for s in conns:
            s.setblocking(False)
            try:
                open_ += s.recv(1) != b""  # data: not expected before a request
            except BlockingIOError:
                open_ += 1  # nothing to read and not closed: still open
            except ConnectionError:
                pass
        print(len(conns), open_)
    elif mode == "slow-post":
        token, path, body, seconds = sys.argv[4], sys.argv[5], sys.argv[6].encode(), float(sys.argv[7])
        s = connect(host, port)
        s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (path, token, len(body))).encode())
        for i in range(10):
            time.sleep(seconds / 10)
            s.sendall(body[i * len(body) // 10:(i + 1) * len(body) // 10])
            if i == 1:  # the request is surely in flight now: say so, for who waits on it
                sys.stderr.write("in flight\n")
                sys.stderr.flush()
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        head, _, rest = answer.partition(b"\r\n\r\n")
        print(head.split(b"\r\n", 1)[0].decode())
        sys.stdout.write(rest.decode())
    else:
        sys.exit("unknown mode " + mode)


main()

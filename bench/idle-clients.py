#!/usr/bin/env python3
# Opens N idle (or slowloris: a request line, then a byte a second each) connections to a running
# rtmtap proxy, then times 20 new WebSocket upgrades (connect to the end of the 101 head) and says
# how many of the N are still open. Raise the proxy's --max-sessions and --handshake-timeout above
# N and the test's duration, e.g.:
#   rtmtap simulate --listen 127.0.0.1:19101 --api-listen 127.0.0.1:19180 &
#   rtmtap proxy --listen 127.0.0.1:19001 --upstream ws://127.0.0.1:19101 --max-sessions 20000 \
#       --handshake-timeout 120000 --db /tmp/idle.db &
#   bench/idle-clients.py 19001 10000 idle      # or slowloris
import resource, socket, sys, time, statistics, threading
port, n, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
idle = []
t0 = time.time()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    if mode == "slowloris":
        s.send(b"GET / HTTP/1.1\r\n")
    idle.append(s)
print(f"{n} {mode} sockets open in {time.time()-t0:.1f}s", flush=True)
stop = False
def drip():
    while not stop:
        for s in idle:
            try: s.send(b"x")
            except OSError: pass
        time.sleep(1)
if mode == "slowloris":
    threading.Thread(target=drip, daemon=True).start()
time.sleep(2)
req = (b"GET /rtm HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
times = []
for i in range(20):
    start = time.perf_counter()
    c = socket.create_connection(("127.0.0.1", port))
    c.settimeout(10)
    c.send(req)
    got = b""
    while b"\r\n\r\n" not in got:
        d = c.recv(4096)
        if not d: break
        got += d
    ms = (time.perf_counter() - start) * 1000
    status = got[:12].decode(errors="replace")
    times.append(ms)
    c.close()
    if i < 2 or status[9:12] != "101":
        print(f"client {i}: {status!r} in {ms:.1f} ms", flush=True)
    time.sleep(0.2)
alive = 0
for s in idle:
    try:
        s.setblocking(False); d = s.recv(1)
        alive += 0 if d == b"" else 1
    except BlockingIOError: alive += 1
    except OSError: pass
print(f"new clients: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms, min {min(times):.1f} ms; {alive} of {n} {mode} sockets still open", flush=True)
stop = True

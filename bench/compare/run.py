#!/usr/bin/env python3
"""Side-by-side benchmark of roam, stock Mosh and OpenSSH on emulated links.

As root, every system's client and server run in the two network namespaces
of a packet-level roam-netsim link, so every IP packet (the kernels' own TCP
included) crosses the link model; otherwise everything runs on loopback with
roam-netsim relays in between (UDP for roam and mosh, TCP for ssh), and the
rows are marked modelled. ssh talks to a private sshd this script starts and
stops itself. The client runs in a pty owned by
this script at 80x24; keystrokes are written into the pty and the client's
output is read back with timestamps. Results are printed as a table and
written as JSON with every raw number. See README.md for what each row means
and how it is approximated. Benchmarks are not tests: nothing here fails on a
timing, and a system whose programs are missing is reported as "missing".
"""

import argparse
import fcntl
import glob
import json
import os
import platform
import pty
import pwd
import re
import select
import shlex
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

# One-way link parameters of roam-netsim's named profiles (tools/netsim/README.md).
PROFILES = {
    "lan": dict(delay_ms=0.25, jitter_ms=0, loss=0.0, rate_down_mbit=None, rate_up_mbit=None,
                rtt_ms=0.5),
    "wifi": dict(delay_ms=2.5, jitter_ms=2, loss=0.005, rate_down_mbit=50, rate_up_mbit=50,
                 rtt_ms=5),
    "lte": dict(delay_ms=30, jitter_ms=10, loss=0.002, rate_down_mbit=20, rate_up_mbit=5,
                rtt_ms=60),
    "3g": dict(delay_ms=250, jitter_ms=20, loss=0.01, rate_down_mbit=2, rate_up_mbit=1,
               rtt_ms=500),
    "intercontinental": dict(delay_ms=150, jitter_ms=2, loss=0.001, rate_down_mbit=None,
                             rate_up_mbit=None, rtt_ms=300),
    "lossy": dict(delay_ms=50, jitter_ms=0, loss=0.29, rate_down_mbit=None, rate_up_mbit=None,
                  rtt_ms=100),
}
# `ssh host cat` of a 20 MB file on every profile and on the links of the
# hand measurements that motivated the packet-level link (one-way flags on
# top of lan; 100 ms RTT = 50 ms each way; loss in both directions).
SSH_CAT_BYTES = 20_000_000
SSH_CAT_TIMEOUT_S = 120
SSH_CAT_REFERENCE_LINKS = [
    ("0 ms", ["--delay-ms", "0"]),
    ("100 ms RTT", ["--delay-ms", "50"]),
    ("100 ms RTT, 2% loss", ["--delay-ms", "50", "--loss", "0.02"]),
    ("100 ms RTT, 10% loss", ["--delay-ms", "50", "--loss", "0.1"]),
]
QUICK_PROFILES = ["lan", "intercontinental"]
FULL_PROFILES = ["lan", "wifi", "lte", "3g", "intercontinental", "lossy"]
SYSTEMS = ["roam", "mosh", "ssh"]
# roam over the ssh stream (--transport=ssh): its rows are printed beside
# ssh's, in the roam column.
STREAM_SYSTEM = "roam-stream"
# What runs on channels (docs/protocol.md §9): one channel's bulk transfer
# against `ssh host cat`, rsync over roam against rsync over ssh, and a
# command's start-up cold and through a live session (the control socket,
# §11) against ssh cold and with ControlPersist.
CHANNEL_BYTES = 64 * 1048576
CHANNEL_BYTES_QUICK = 20_000_000
CHANNEL_TIMEOUT_S = 180
COMMAND_REPS = 5

COLS, ROWS = 80, 24
PROMPT_RE = re.compile(rb"\d+ bench\$")
SEED = 1

# Escape sequences as the client emits them; stripped to get the drawn text.
ESC_RE = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    rb"|[()*+#% ]."  # designations and other two-byte forms
    rb"|[^\[\]PX^_()*+#% ])"  # any other ESC x
)
CTRL_RE = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]")
# The connection-status overlay both mosh and roam may draw; never an echo.
OVERLAY_RE = re.compile(rb"(?:mosh|roam)[^\n]{0,120}?\[To quit:[^\]]*\]")


def now():
    return time.monotonic()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


DEBUG = bool(os.environ.get("ROAM_BENCH_DEBUG"))


def debug(msg):
    if DEBUG:
        log(f"    {now():.3f} {msg}")


# ---------------------------------------------------------------- processes


def proc_stat(pid):
    """(utime+stime seconds, state) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks, fields[0]


def proc_hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def alive(pid):
    st = proc_stat(pid)
    return st is not None and st[1] != "Z"


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, frontier, seen = [], [root], {root}
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in seen:
                seen.add(child)
                found.append(child)
                frontier.append(child)
    return found


def end_pid(pid, expect_comm=None, grace=3.0):
    """SIGTERM, bounded wait, SIGKILL: only `pid`, only if it is still ours."""
    if pid is None or not alive(pid):
        return
    if expect_comm is not None and not (proc_comm(pid) or "").startswith(expect_comm[:15]):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    deadline = now() + grace
    while now() < deadline and alive(pid):
        reap_children()
        time.sleep(0.02)
    if alive(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    reap_children()


def reap_children():
    for _ in range(64):
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ---------------------------------------------------------------- the pty


class PtyClient:
    """A client program in a pty owned by this script; output is timestamped."""

    def __init__(self, argv, env):
        self.argv = argv
        self.started = now()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.eof = False
        self.last_match = b""
        self.exit_status = None
        self.pending = b""  # an escape sequence cut at a read boundary
        self.tail = b""  # recent drawn text, for matches across reads
        self.bytes_read = 0
        self.transcript = bytearray()  # last bytes of raw output, for diagnostics

    def _strip(self, data):
        data = self.pending + data
        self.pending = b""
        cut = data.rfind(b"\x1b")
        if cut >= 0 and ESC_RE.match(data, cut) is None and len(data) - cut < 4096:
            self.pending = data[cut:]
            data = data[:cut]
        text = ESC_RE.sub(b"", data)
        text = CTRL_RE.sub(b"", text)
        return OVERLAY_RE.sub(b"", text)

    def pump(self, timeout):
        """Reads what arrives within `timeout` s (one read burst); returns (t, text)."""
        if self.eof:
            time.sleep(max(0.0, min(timeout, 0.05)))
            return now(), b""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return now(), b""
        t = now()
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            data = b""
        if not data:
            self.eof = True
            return t, b""
        self.bytes_read += len(data)
        self.transcript += data
        if len(self.transcript) > 8192:
            del self.transcript[:-8192]
        return t, self._strip(data)

    def read_for(self, seconds):
        """Keeps the client's output drained for `seconds` (so it never blocks)."""
        deadline = now() + seconds
        while now() < deadline:
            self.pump(deadline - now())

    def wait_text(self, pattern, timeout):
        """Time at which `pattern` (bytes regex or literal) shows in new output, or None."""
        if isinstance(pattern, bytes):
            pattern = re.compile(re.escape(pattern))
        window = b""
        deadline = now() + timeout
        while now() < deadline and not self.eof:
            t, text = self.pump(deadline - now())
            if not text:
                continue
            window = window[-512:] + text
            m = pattern.search(window)
            if m:
                # What matched, with some drawn text around it (for reports).
                self.last_match = window[max(0, m.start() - 40):m.end() + 40]
                return t
        return None

    def write(self, data):
        t = now()
        os.write(self.fd, data)
        return t

    def wait_exit(self, timeout):
        deadline = now() + timeout
        while now() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.exit_status = status
                return True
            self.pump(0.05)
        return False

    def close(self):
        if self.exit_status is None:
            if not self.wait_exit(0.1):
                end_pid(self.pid)
                try:
                    os.waitpid(self.pid, 0)
                except ChildProcessError:
                    pass
        try:
            os.close(self.fd)
        except OSError:
            pass


def quiet_settle(client, quiet, limit):
    """Drains the client until no output for `quiet` s (at most `limit` s)."""
    deadline = now() + limit
    last = now()
    while now() < deadline and not client.eof:
        before = client.bytes_read
        client.pump(min(quiet, max(0.0, deadline - now())))
        if client.bytes_read != before:
            last = now()
        elif now() - last >= quiet:
            return


# ---------------------------------------------------------------- netsim and sshd


class Netsim:
    """One roam-netsim relay (udp or tcp) with a control channel on stdin."""

    def __init__(self, binary, mode, target_port, profile, workdir, tag, extra_args=()):
        self.stats_path = os.path.join(workdir, f"netsim-{tag}.json")
        argv = [binary, mode, "--listen", "127.0.0.1:0", "--to", f"127.0.0.1:{target_port}",
                "--profile", profile, "--seed", str(SEED), "--control-stdin",
                "--stats-json", self.stats_path, "--duration", "3600", *extra_args]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.port = None
        deadline = now() + 10
        buf = b""
        while now() < deadline and self.port is None:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                m = re.search(rb"NETSIM LISTEN (\d+)", buf)
                if m:
                    self.port = int(m.group(1))
        if self.port is None:
            self.stop()
            raise RuntimeError("roam-netsim did not report its port")

    def command(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def stop(self):
        """Stops the relay; returns its stats JSON (or None)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except (OSError, BrokenPipeError):
                pass
        try:
            with open(self.stats_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None


NSENTER = "nsenter"
LINK_BANNER_RE = re.compile(rb"NETSIM LINK client (\S+) server (\S+) client-netns (\S+) "
                            rb"server-netns (\S+)\n")


class PacketLink:
    """One `roam-netsim link`: client and server network namespaces joined
    through the link model, every IP packet carried by the forwarder
    (tools/netsim/README.md). Needs root. Ending it (stop) also ends every
    process still inside its namespaces."""

    def __init__(self, binary, profile, workdir, tag, extra_args=()):
        self.stats_path = os.path.join(workdir, f"link-{tag}.json")
        argv = [binary, "link", "--profile", profile, "--seed", str(SEED), "--control-stdin",
                "--stats-json", self.stats_path, "--duration", "3600", *extra_args]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = b""
        m = self._read_until(LINK_BANNER_RE, 10)
        if not m:
            err = b""
            self.stop()
            try:
                err = self.proc.stderr.read() or b""
            except (OSError, ValueError):
                pass
            raise RuntimeError("roam-netsim link did not start: "
                               + err.decode(errors="replace").strip()[-300:])
        self.client_ip, self.server_ip = m.group(1).decode(), m.group(2).decode()
        self.client_netns, self.server_netns = m.group(3).decode(), m.group(4).decode()

    def _read_until(self, pattern, timeout, start=0):
        deadline = now() + timeout
        while now() < deadline:
            m = pattern.search(self.out, start)
            if m:
                return m
            r, _, _ = select.select([self.proc.stdout], [], [], min(0.2, deadline - now()))
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    return None
                self.out += chunk
        return pattern.search(self.out, start)

    def in_client(self, argv):
        """`argv` run inside the client namespace (nsenter execs it in place:
        the PID is the command's own)."""
        return [NSENTER, f"--net={self.client_netns}", "--"] + list(argv)

    def in_server(self, argv):
        return [NSENTER, f"--net={self.server_netns}", "--"] + list(argv)

    def command(self, line, timeout=5):
        """Sends a control line; returns the link's answer ("NETSIM OK move
        198.18.1.2", "NETSIM ERROR ...") or None when none came in time."""
        start = len(self.out)
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        m = self._read_until(re.compile(rb"NETSIM (?:OK|ERROR)[^\n]*\n"), timeout, start)
        return m.group(0).decode().strip() if m else None

    def stop(self):
        """Ends the link (and whatever still runs inside); returns its stats JSON."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except (OSError, BrokenPipeError):
                pass
        try:
            with open(self.stats_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None


def packet_link_available(binary):
    """(True, "") when `roam-netsim link` runs here, else (False, why)."""
    if os.geteuid() != 0:
        return False, "needs root for network namespaces"
    if not shutil.which(NSENTER):
        return False, "needs nsenter (util-linux)"
    if not (binary and os.access(binary, os.X_OK)):
        return False, "roam-netsim is missing"
    try:
        p = subprocess.run([binary, "link", "--duration", "0.05"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=10)
    except subprocess.TimeoutExpired:
        return False, "roam-netsim link did not end"
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0 or "NETSIM LINK " not in out:
        return False, out.strip().splitlines()[-1] if out.strip() else f"exit {p.returncode}"
    return True, ""


def measure_ceiling(binary, seconds):
    """The unimpaired link's ceiling (`roam-netsim link --ceiling`), as a dict."""
    p = subprocess.run([binary, "link", "--ceiling", str(seconds)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30 + 4 * seconds)
    out = p.stdout.decode(errors="replace")
    m = re.search(r"NETSIM CEILING (.*)", out)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"roam-netsim link --ceiling failed: {out.strip()[-300:]}")
    return {k: float(v) for k, v in (kv.split("=", 1) for kv in m.group(1).split())}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sshd:
    """A private sshd with its own keys and config (never ~/.ssh): on
    127.0.0.1 at a free port, or inside a packet-level link's server
    namespace on the link's server address, port 22 (the namespace is its
    own, so the port is free). `keys_from` shares another Sshd's keys."""

    def __init__(self, workdir, keys_from=None, name="sshd"):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.log = os.path.join(self.dir, "sshd.log")
        self.proc = None
        self.port = None
        if keys_from is not None:
            self.host_key, self.user_key = keys_from.host_key, keys_from.user_key
            self.known_hosts = keys_from.known_hosts
            self.authorized_keys = keys_from.authorized_keys
            return
        self.host_key = os.path.join(self.dir, "host_ed25519_key")
        self.user_key = os.path.join(self.dir, "user_ed25519_key")
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        self.authorized_keys = os.path.join(self.dir, "authorized_keys")
        for key in (self.host_key, self.user_key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "roam-bench",
                            "-f", key], check=True, timeout=20, stdout=subprocess.DEVNULL)
        shutil.copy(self.user_key + ".pub", self.authorized_keys)
        os.chmod(self.authorized_keys, 0o600)
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)

    def start(self, host="127.0.0.1", netns=None):
        for _attempt in range(5):
            self.port = 22 if netns else free_port()
            config = os.path.join(self.dir, "sshd_config")
            with open(config, "w") as f:
                f.write("\n".join([
                    "# Private sshd of the roam comparison benchmark.",
                    f"ListenAddress {host}",
                    f"Port {self.port}",
                    f'HostKey "{self.host_key}"',
                    f'AuthorizedKeysFile "{self.authorized_keys}"',
                    f'PidFile "{os.path.join(self.dir, "sshd.pid")}"',
                    "PubkeyAuthentication yes", "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no", "StrictModes no", "UsePAM no",
                    "PermitRootLogin prohibit-password", "PrintMotd no", "PrintLastLog no",
                    "X11Forwarding no", "LogLevel INFO", "AcceptEnv LANG LC_*",
                    "SetEnv MOSH_SERVER_NETWORK_TMOUT=120",
                ]) + "\n")
            open(self.log, "w").close()
            argv = ["/usr/sbin/sshd", "-D", "-E", self.log, "-f", config]
            if netns:
                argv = [NSENTER, f"--net={netns}", "--"] + argv
            if os.access("/usr/bin/setpriv", os.X_OK):
                argv = ["/usr/bin/setpriv", "--pdeathsig", "TERM"] + argv
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = now() + 10
            while now() < deadline and self.proc.poll() is None:
                with open(self.log) as f:
                    if f"port {self.port}." in f.read():
                        return
                time.sleep(0.05)
            self.stop()
        raise RuntimeError("sshd did not start; see " + self.log)

    def ssh_argv(self, port):
        return ["ssh", "-F", "/dev/null", "-p", str(port), "-i", self.user_key,
                "-o", "IdentitiesOnly=yes", "-o", f"UserKnownHostsFile={self.known_hosts}",
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR"]

    def session_pids(self):
        """Per-connection sshd processes (not the shells they run)."""
        if self.proc is None:
            return []
        return [p for p in descendants(self.proc.pid) if proc_comm(p) == "sshd"]

    def stop(self):
        if self.proc is None:
            return
        for pid in descendants(self.proc.pid):
            end_pid(pid, grace=1.0)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


# ---------------------------------------------------------------- networks

LINK_PACKET = "packet-level"
LINK_MODELLED = "modelled"


class Network:
    """Where one measurement's client and server meet, over the profile's link.

    packet-level (root): a PacketLink. Servers run in its server namespace
    on its server address, clients in its client namespace; every IP packet
    of every system crosses the link model, and TCP is the kernels' own.
    modelled (the fallback): everything on loopback, with a roam-netsim relay
    in front of each server port the client reaches; the TCP relay models
    loss as retransmission delay.

    A row written against this class runs either way; for example, a bulk
    copy over ssh:

        net = Network(ctx, profile, ctx.tag("scp"))
        try:
            ssh, host = net.ssh()             # options reaching the private sshd
            r = run_client_command(net, ["scp", *ssh[1:], f"{host}:{path}", "/dev/null"], 120)
        finally:
            stats = net.close()               # link counters; ends what it started

    and for a server of its own: start it with net.server_argv([...,
    net.server_host, ...]), point the client (net.client_argv) at
    net.reach("udp" or "tcp", port).
    """

    def __init__(self, ctx, profile, tag, link_args=()):
        self.ctx, self.profile, self.tag, self.link_args = ctx, profile, tag, tuple(link_args)
        self.packet_level = ctx.packet_level
        self.link = (PacketLink(ctx.bin["roam-netsim"], profile, ctx.workdir, tag, link_args)
                     if self.packet_level else None)
        self.relays = {}  # (proto, port) -> Netsim, modelled only
        self._sshd = None

    @property
    def kind(self):
        return LINK_PACKET if self.packet_level else LINK_MODELLED

    @property
    def server_host(self):
        """The address servers listen on."""
        return self.link.server_ip if self.link else "127.0.0.1"

    def server_argv(self, argv):
        """`argv` run where the servers live."""
        return self.link.in_server(argv) if self.link else list(argv)

    def client_argv(self, argv):
        """`argv` run where the client lives."""
        return self.link.in_client(argv) if self.link else list(argv)

    def reach(self, proto, port):
        """(host, port) at which the client reaches a server's `proto` port
        across the link."""
        if self.link:
            return self.link.server_ip, port
        key = (proto, port)
        if key not in self.relays:
            self.relays[key] = Netsim(self.ctx.bin["roam-netsim"], proto, port, self.profile,
                                      self.ctx.workdir, f"{self.tag}-{proto}{port}",
                                      self.link_args)
        return "127.0.0.1", self.relays[key].port

    def sshd(self):
        """The private sshd the client reaches through this network."""
        if self._sshd is None:
            if self.link:
                sshd = Sshd(self.ctx.workdir, keys_from=self.ctx.sshd, name=f"sshd-{self.tag}")
                sshd.start(host=self.link.server_ip, netns=self.link.server_netns)
                self._sshd = sshd
            else:
                self._sshd = self.ctx.sshd
        return self._sshd

    def ssh(self):
        """(ssh argv with options, host): append more options, then host,
        then the remote command."""
        sshd = self.sshd()
        host, port = self.reach("tcp", sshd.port)
        return sshd.ssh_argv(port), host

    def command(self, line):
        """A control line (outage, profile) to the link, or to every relay."""
        if self.link:
            answer = self.link.command(line)
            if not answer or not answer.startswith("NETSIM OK"):
                raise RuntimeError(f"link: {line!r}: {answer or 'no answer'}")
            return
        for relay in self.relays.values():
            relay.command(line)

    def move_client(self):
        """The client's address changes: packet-level, the client gets the
        next address of its network; modelled, the UDP relays rebind to a
        new source address and port (NAT rebinding)."""
        if self.link:
            self.command("move")
            return
        for (proto, _port), relay in self.relays.items():
            if proto == "udp":
                relay.command("rebind 127.0.0.2")
        time.sleep(0.02)  # the relay applies it when it reads the line

    def close(self):
        """Ends this network's sshd (packet-level), relays or link, and
        whatever still runs in the link's namespaces; returns the link's
        stats (or the one relay's; several relays: a list)."""
        stats = None
        if self.link:
            if self._sshd is not None:
                self._sshd.stop()
            stats = self.link.stop()
        else:
            all_stats = [relay.stop() for relay in self.relays.values()]
            stats = all_stats[0] if len(all_stats) == 1 else (all_stats or None)
        return stats


def run_client_command(net, argv, timeout):
    """Runs `argv` where the client lives until it exits (at most `timeout`
    s), draining and counting its stdout. The building block of rows that
    time a TCP tool across the link (ssh host cat here; scp, rsync later).
    Returns {"completed", "seconds", "stdout_bytes", "status", "first_byte_s",
    "after_first_byte_mb_per_s", "stderr_tail"}."""
    full = net.client_argv(argv)
    started = now()
    proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    got, err, first_byte = 0, b"", None
    open_fds = {proc.stdout.fileno(), proc.stderr.fileno()}
    deadline = started + timeout
    while open_fds and now() < deadline:
        r, _, _ = select.select(list(open_fds), [], [], min(0.5, max(0.0, deadline - now())))
        for fd in r:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                open_fds.discard(fd)
            elif fd == proc.stdout.fileno():
                if first_byte is None:
                    first_byte = now()
                got += len(chunk)
            else:
                err = (err + chunk)[-2000:]
    status = None
    if not open_fds:
        try:
            status = proc.wait(max(0.1, deadline - now()))
        except subprocess.TimeoutExpired:
            pass
    ended = now()
    seconds = ended - started
    if status is None:
        end_pid(proc.pid)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
    for f in (proc.stdout, proc.stderr):
        f.close()
    return {"completed": status == 0, "seconds": seconds, "stdout_bytes": got, "status": status,
            "first_byte_s": None if first_byte is None else first_byte - started,
            "after_first_byte_mb_per_s": (got / 1e6 / (ended - first_byte)
                                          if first_byte is not None and ended > first_byte
                                          else None),
            "stderr_tail": err.decode(errors="replace")[-300:]}


# ---------------------------------------------------------------- sessions


class Context:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        build = args.build_dir
        self.bin = {
            "roam": os.path.join(build, "src/app/roam"),
            "roam-server": os.path.join(build, "src/app/roam-server"),
            "roam-client": os.path.join(build, "src/app/roam-client"),
            "roam-netsim": os.path.join(build, "tools/netsim/roam-netsim"),
            "mosh": shutil.which("mosh"),
            "mosh-server": shutil.which("mosh-server"),
            "mosh-client": shutil.which("mosh-client"),
            "ssh": shutil.which("ssh"),
            "sshd": "/usr/sbin/sshd",
        }
        self.shell = os.path.join(workdir, "bench-shell")
        with open(self.shell, "w") as f:
            f.write("#!/bin/sh\n# The benchmark's shell: a known prompt, no rc files, no history.\n"
                    "export PS1='\\# bench$ '\nunset HISTFILE PROMPT_COMMAND\n"
                    "export LANG=C.UTF-8\nexec bash --norc --noprofile -i\n")
        os.chmod(self.shell, 0o755)
        self.sshd = None
        self.packet_level = False  # set by main() after probing
        self.seq = 0

    def have(self, *names):
        return all(self.bin.get(n) and os.access(self.bin[n], os.X_OK) for n in names)

    def system_missing(self, system):
        need = {"roam": ["roam-server", "roam-client", "roam-netsim"],
                "mosh": ["mosh-server", "mosh-client", "roam-netsim"],
                "ssh": ["ssh", "sshd", "roam-netsim"]}[system]
        missing = [n for n in need if not self.have(n)]
        if system == "ssh" and not missing and self.sshd is None:
            return ["sshd (did not start)"]
        return missing

    def tag(self, what):
        self.seq += 1
        return f"{self.seq:03d}-{what}"


def client_env(extra=None):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "USER", "LOGNAME")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8")
    env.pop("LC_ALL", None)
    if extra:
        env.update(extra)
    return env


class Session:
    """One interactive session of `system` across a Network with `profile`."""

    def __init__(self, ctx, system, profile, tag, env=None):
        self.ctx, self.system, self.profile = ctx, system, profile
        self.env = env or {}
        self.server_pid = None
        self.net = None
        self.client = None
        self.stats = None
        self.setup_s = None
        try:
            self._start(tag)
        except Exception:
            self.close()
            raise

    def _start(self, tag):
        ctx = self.ctx
        self.net = net = Network(ctx, self.profile, tag)
        if self.system in ("roam", "mosh"):
            server = ctx.bin[f"{self.system}-server"]
            env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "USER")}
            env.update(LANG="C.UTF-8", MOSH_SERVER_NETWORK_TMOUT="120")
            env.update(self.env)
            proc = subprocess.run(net.server_argv([server, "new", "-i", net.server_host, "-p", "0",
                                                   "-c", "256", "--", ctx.shell]),
                                  env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=20)
            out = proc.stdout.decode(errors="replace")
            m = re.search(r"MOSH CONNECT (\d+) (\S+)", out)
            p = re.search(r"detached, pid = (\d+)", out)
            if not m or not p:
                raise RuntimeError(f"{server} gave no CONNECT line: {out[-400:]!r}")
            self.server_pid = int(p.group(1))
            self.server_comm = proc_comm(self.server_pid)
            port, key = int(m.group(1)), m.group(2)
            host, port = net.reach("udp", port)
            argv = net.client_argv([ctx.bin[f"{self.system}-client"], host, str(port)])
            self.client = PtyClient(argv, client_env({"MOSH_KEY": key, **self.env}))
        elif self.system == STREAM_SYSTEM:
            # roam with its datagrams carried by the bootstrap ssh connection
            # (--transport=ssh), as when UDP is blocked.
            ssh, host = net.ssh()
            argv = net.client_argv([ctx.bin["roam"], f"--ssh={shlex.join(ssh)}",
                                    f"--server={ctx.bin['roam-server']}", "--transport=ssh",
                                    host, "--", ctx.shell])
            self.client = PtyClient(argv, client_env())
        else:
            ssh, host = net.ssh()
            self.client = PtyClient(net.client_argv(ssh + ["-tt", host, ctx.shell]), client_env())
        t = self.client.wait_text(PROMPT_RE, 20 + 10 * self.rtt())
        if t is None:
            raise RuntimeError(f"no prompt from {self.system}: "
                               f"{bytes(self.client.transcript[-300:])!r}")
        self.setup_s = t - self.client.started
        quiet_settle(self.client, self.quiet(), 5)

    def rtt(self):
        return PROFILES[self.profile]["rtt_ms"] / 1000

    def quiet(self):
        return 1.3 * self.rtt() + 0.08

    def server_pids(self):
        if self.system == STREAM_SYSTEM:
            return []  # the server detached from ssh: not measured
        if self.system == "ssh":
            return self.net.sshd().session_pids()
        return [self.server_pid] if self.server_pid and alive(self.server_pid) else []

    def sample_resources(self):
        """Server CPU seconds and peak RSS, client peak RSS, right now."""
        pids = self.server_pids()
        cpu = [proc_stat(p) for p in pids]
        hwm = [proc_hwm_kib(p) for p in pids]
        return {
            "server_pids": pids,
            "server_cpu_s": sum(c[0] for c in cpu if c) if pids else None,
            "server_peak_rss_kib": sum(h for h in hwm if h) if pids else None,
            "client_peak_rss_kib": proc_hwm_kib(self.client.pid),
        }

    def close(self):
        if self.client is not None and not self.client.eof and self.client.exit_status is None:
            try:
                self.client.write(b"\x03\rexit\r")
                self.client.wait_exit(5 + 4 * self.rtt())
            except OSError:
                pass
        if self.client is not None:
            self.client.close()
        if self.server_pid is not None:
            deadline = now() + 3
            while now() < deadline and alive(self.server_pid):
                time.sleep(0.05)
            end_pid(self.server_pid, expect_comm=self.server_comm)
        if (self.system in ("ssh", STREAM_SYSTEM) and self.net is not None and
                self.net._sshd is not None):
            deadline = now() + 3
            while now() < deadline and self.net._sshd.session_pids():
                time.sleep(0.05)
        if self.net is not None:
            self.stats = self.net.close()
            self.net = None


def wire_bytes(stats):
    """(up, down) bytes that crossed the relay, from roam-netsim's stats JSON."""
    if not stats:
        return None, None
    def find(d, *keys):
        for k in keys:
            if isinstance(d, dict) and k in d:
                return d[k]
        return None
    up = find(stats, "up", "client_to_server")
    down = find(stats, "down", "server_to_client")
    relay = find(stats, "relay", "tcp", "udp") or {}
    if isinstance(up, dict) and isinstance(down, dict):
        return up.get("bytes_passed"), down.get("bytes_passed")
    return relay.get("bytes_up"), relay.get("bytes_down")


# ---------------------------------------------------------------- measurements


def pct(values, q):
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def latency_summary(lat, profile):
    """The keystroke rows of a typing run: `lat` holds each key's echo
    latency in s (None: never shown). Keys faster than the link's minimum
    RTT less a margin count as predicted."""
    got = [x for x in lat if x is not None]
    p = PROFILES[profile]
    min_rtt = 2 * (p["delay_ms"] - p["jitter_ms"]) / 1000
    threshold = min_rtt - max(0.010, 0.2 * min_rtt)
    out = {
        "keystroke_latency_s": lat,
        "keystrokes": len(lat),
        "keystrokes_never_shown": len(lat) - len(got),
        "latency_median_ms": pct(got, 0.5) * 1000 if got else None,
        "latency_p95_ms": pct(got, 0.95) * 1000 if got else None,
        "latency_p99_ms": pct(got, 0.99) * 1000 if got else None,
        "prediction_threshold_ms": threshold * 1000,
    }
    if threshold > 0 and lat:
        out["predicted_share"] = sum(1 for x in got if x < threshold) / len(lat)
    else:
        out["predicted_share"] = None
        out["predicted_share_na"] = "RTT below margin"
    return out


def type_measured(sess, text, record):
    """Types `text` one key at a time; measures each non-space key's echo."""
    c = sess.client
    timeout = 4 * sess.rtt() + 2.0
    for ch in text:
        key = ch.encode()
        quiet_settle(c, 0.0, 0.01)
        t0 = c.write(key)
        if ch == " ":
            quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
            continue
        t1 = c.wait_text(key, timeout)
        record.append(None if t1 is None else t1 - t0)
        quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)


def sync_prompt(sess):
    """Waits (briefly) for a fresh prompt, then for the output to settle.

    Renderers that diff frames may redraw only the cells of a prompt that
    changed, so a missed prompt costs at most the short timeout here; this
    is a synchronisation point, never a measurement.
    """
    c = sess.client
    c.wait_text(PROMPT_RE, 2 * sess.rtt() + 1.0)
    quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)


def run_line(sess, line, wait_prompt=True):
    c = sess.client
    quiet_settle(c, 0.0, 0.01)
    c.write(line.encode() + b"\r")
    if wait_prompt:
        sync_prompt(sess)
    else:
        quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)


def measure_interactive(ctx, system, profile):
    """Rows 1, 2 and 5: keystroke latency, prediction, recovery."""
    args = ctx.args
    out = {}
    sess = Session(ctx, system, profile, ctx.tag(f"{system}-{profile}-typing"))
    out["link"] = sess.net.kind
    try:
        out["session_setup_direct_s"] = sess.setup_s
        lat = []
        reps = 1 if args.quick else 2
        for _ in range(reps):
            debug('A readline line: a shell command typed')
            # A readline line: a shell command typed at the prompt.
            type_measured(sess, "echo hello world", lat)
            run_line(sess, "")
            debug('An editing session: a line typed into ')
            # An editing session: a line typed into cat.
            run_line(sess, "cat > /dev/null", wait_prompt=False)
            type_measured(sess, "the quick brown fox jumps", lat)
            c = sess.client
            c.write(b"\r\x04")
            sync_prompt(sess)
        debug('Wrong predictions: keys typed where no')
        # Wrong predictions: keys typed where nothing echoes (read -s) must
        # never be drawn; any that are were drawn and later erased.
        # The command line itself holds some of the hidden letters, so its
        # echo must be on screen (on a lossy link it can come late) before
        # the first hidden key is typed, or it would be counted as drawn.
        c = sess.client
        quiet_settle(c, 0.0, 0.01)
        c.write(b"read -rs x\r")
        c.wait_text(b"read -rs x", 4 * sess.rtt() + 2.0)
        quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
        # None of these letters is in the command line or the prompt.
        hidden = "quiltmopgywvkz"
        drawn = 0
        drawn_detail = []
        c = sess.client
        for ch in hidden:
            quiet_settle(c, 0.0, 0.01)
            c.write(ch.encode())
            if c.wait_text(ch.encode(), 2 * sess.rtt() + 0.3) is not None:
                drawn += 1
                drawn_detail.append({"key": ch, "drawn_text": c.last_match.decode(errors="replace")})
            quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
        c.write(b"\r")
        sync_prompt(sess)

        out.update(latency_summary(lat, profile))
        out["hidden_keys"] = len(hidden)
        out["hidden_keys_drawn"] = drawn
        out["hidden_keys_drawn_detail"] = drawn_detail
        out["wrong_share"] = drawn / len(hidden)

        debug('Recovery after an outage: a command ty')
        # Recovery after an outage: a command typed before, Enter when it ends.
        outage = 5 if args.quick else 10
        c.write(b"echo R$((40+2))Z")
        quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
        sess.net.command(f"outage {outage}")
        t_cmd = now()
        c.read_for(outage)
        t_end = max(now(), t_cmd + outage)
        c.write(b"\r")
        t1 = c.wait_text(b"R42Z", 60)
        out["outage_s"] = outage
        out["recovery_after_outage_ms"] = None if t1 is None else (t1 - t_end) * 1000
        sync_prompt(sess)

        debug("Recovery after the client's address ch")
        # Recovery after the client's address changes (UDP only).
        if system == "ssh":
            out["recovery_after_rebind_na"] = "TCP connection cannot change address"
        else:
            c.write(b"echo R$((50+5))Z")
            quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
            sess.net.move_client()
            t0 = c.write(b"\r")
            t1 = c.wait_text(b"R55Z", 30)
            out["recovery_after_rebind_ms"] = None if t1 is None else (t1 - t0) * 1000
            sync_prompt(sess)
    finally:
        sess.close()
    out["netsim_stats"] = sess.stats
    return out


# Lines typed with think time (rows "lines at a prompt"): a user who reads
# the screen before each line. Lines at bash's prompt (readline, raw mode),
# then lines into `cat` (the kernel's canonical mode with echo).
LINES_AT_PROMPT = ["echo one two three", "ls -d /tmp /usr", "pwd", "echo $((6*7))", "cd /tmp",
                   "cd", "uname -s", "echo done for now", "true", "date +%Y", "echo four five",
                   "ls -d /", "echo six", "type cd", "echo last of them"]
LINES_IN_CAT = ["the first line", "a second line", "and a third one", "the last"]
LINE_THINK_S = 0.5
# Secrets typed where nothing echoes (rows "no-echo keys drawn"): label,
# command, a word the prompt prints (never in the command's echo; one word,
# since a client may draw blanks as cursor moves), times the secret is
# asked. SECRET_KEYS occur in no command and no prompt.
SECRET_PROMPTS = [
    ("read -s", "read -rs x", None, 1),
    ("sudo-like prompt (getpass)",
     "/usr/bin/python3 -c 'import getpass; getpass.getpass(\"[sudo] password for %s: \" % 1)'",
     rb"1:", 1),
    ("prompt before stty -echo", "printf 'Pass%s: ' word; stty -echo; read y; stty echo; echo",
     rb"Password:", 1),
    ("ssh-keygen -p", "ssh-keygen -p -f {key}", rb"passphrase", 2),
]
SECRET_KEYS = "QZXJKV"


def measure_lines(ctx, system, profile):
    """Rows "lines at a prompt" and "no-echo keys drawn"."""
    out = {}
    tag = ctx.tag(f"{system}-{profile}-lines")
    key = os.path.join(ctx.workdir, f"key-{tag}")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "roam-bench", "-f", key],
                   check=True, timeout=20, stdout=subprocess.DEVNULL)
    sess = Session(ctx, system, profile, tag)
    try:
        c = sess.client
        lat, first = [], []

        def line(text):
            c.read_for(LINE_THINK_S)  # the user reads the screen
            keys = []
            type_measured(sess, text, keys)
            lat.extend(keys)
            if keys and text[0] != " ":
                first.append(keys[0])

        debug("lines at the prompt")
        for text in LINES_AT_PROMPT:
            line(text)
            run_line(sess, "")
        debug("lines into cat")
        run_line(sess, "cat > /dev/null", wait_prompt=False)
        for text in LINES_IN_CAT:
            line(text)
            c.write(b"\r")
            quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
        c.write(b"\x04")
        sync_prompt(sess)

        debug("secrets")
        secrets = {}
        for label, command, prompt, times in SECRET_PROMPTS:
            c.read_for(LINE_THINK_S)
            quiet_settle(c, 0.0, 0.01)
            c.write(command.format(key=key).encode() + b"\r")
            if prompt is not None:
                shown = c.wait_text(re.compile(prompt), 4 * sess.rtt() + 5.0) is not None
            else:
                shown = c.wait_text(command.encode(), 4 * sess.rtt() + 2.0) is not None
            drawn, detail = 0, []
            for _ in range(times):
                quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
                c.read_for(LINE_THINK_S)
                for ch in SECRET_KEYS:
                    quiet_settle(c, 0.0, 0.01)
                    c.write(ch.encode())
                    if c.wait_text(ch.encode(), 2 * sess.rtt() + 0.3) is not None:
                        drawn += 1
                        detail.append({"key": ch,
                                       "drawn_text": c.last_match.decode(errors="replace")})
                    quiet_settle(c, sess.quiet(), 2 * sess.rtt() + 1)
                c.write(b"\r")
                if times > 1:
                    c.wait_text(re.compile(rb"again"), 4 * sess.rtt() + 5.0)
            sync_prompt(sess)
            secrets[label] = {"prompt_seen": shown, "keys": times * len(SECRET_KEYS),
                              "drawn": drawn, "drawn_detail": detail}
        out["secrets"] = secrets

        out.update(latency_summary(lat, profile))
        out["first_key_latency_s"] = first
        got_first = [x for x in first if x is not None]
        out["first_key_latency_median_ms"] = pct(got_first, 0.5) * 1000 if got_first else None
        out["first_key_latency_p95_ms"] = pct(got_first, 0.95) * 1000 if got_first else None
        threshold = out["prediction_threshold_ms"] / 1000
        out["first_keys_predicted_share"] = (
            sum(1 for x in got_first if x < threshold) / len(first)
            if threshold > 0 and lat and first else None)
    finally:
        sess.close()
    out["netsim_stats"] = sess.stats
    return out


def measure_bulk(ctx, system, profile, what, command, marker, last_text, timeout, env=None):
    """Row 3: a bulk command; time to the final marker, bytes, CPU, memory.
    `env` goes to both roam programs (ROAM_SCROLLBACK=0: native scrollback off)."""
    sess = Session(ctx, system, profile, ctx.tag(f"{system}-{profile}-{what}"), env)
    out = {"link": sess.net.kind}
    try:
        c = sess.client
        before = sess.sample_resources()
        window = b""
        quiet_settle(c, 0.0, 0.01)
        t0 = c.write(command.encode() + b"\r")
        deadline = t0 + timeout
        t1 = None
        while now() < deadline and not c.eof:
            t, text = c.pump(deadline - now())
            if not text:
                continue
            window = (window + text)[-65536:]
            if marker in window[-(len(text) + len(marker)):]:
                t1 = t
                break
        if t1 is not None:
            # Whatever follows the final screen (roam's native scrollback
            # catching up on the history) belongs to the run's bytes and CPU:
            # drain until the client has been quiet for a while.
            settled_from = c.bytes_read
            quiet_settle(c, max(1.5, 3 * sess.quiet()), 60)
            out["bytes_after_final_screen"] = c.bytes_read - settled_from
        after = sess.sample_resources()
        out["completed"] = t1 is not None
        out["time_s"] = None if t1 is None else t1 - t0
        out["timeout_s"] = timeout
        at = window.rfind(marker)
        out["last_line_seen"] = at >= 0 and last_text in window[max(0, at - 4096):at]
        if after["server_cpu_s"] is not None and before["server_cpu_s"] is not None:
            out["server_cpu_s"] = after["server_cpu_s"] - before["server_cpu_s"]
        else:
            out["server_cpu_s"] = None
        out["server_peak_rss_kib"] = after["server_peak_rss_kib"]
        out["client_peak_rss_kib"] = after["client_peak_rss_kib"]
        out["client_pty_bytes"] = c.bytes_read
        if t1 is None:
            out["transcript_tail"] = bytes(c.transcript[-600:]).decode(errors="replace")
            c.write(b"\x03")
    finally:
        sess.close()
    up, down = wire_bytes(sess.stats)
    out["wire_bytes_up"], out["wire_bytes_down"] = up, down
    out["netsim_stats"] = sess.stats
    return out


def measure_setup(ctx, profile, reps):
    """Row 4: start to first prompt via ssh across the profile's link, and --local."""
    out = {}
    net = Network(ctx, profile, ctx.tag(f"setup-{profile}")) if ctx.sshd else None
    try:
        ssh, host = net.ssh() if net else (None, None)
        ssh_cmd = shlex.join(ssh) if net else None
        if net:
            out["link"] = net.kind
        variants = {
            "roam": ((net.client_argv([ctx.bin["roam"], f"--ssh={ssh_cmd}",
                                       f"--server={ctx.bin['roam-server']}", host, "--",
                                       ctx.shell]) if net else []),
                     ctx.have("roam", "roam-server") and net),
            "mosh": ((net.client_argv([ctx.bin["mosh"] or "mosh", f"--ssh={ssh_cmd}", host, "--",
                                       ctx.shell]) if net else []),
                     ctx.have("mosh", "mosh-server", "mosh-client") and net),
            "ssh": ((net.client_argv(ssh + ["-tt", host, ctx.shell]) if net else []),
                    net is not None),
            "roam_local": ([ctx.bin["roam"], "--local", "--", ctx.shell],
                           ctx.have("roam", "roam-server", "roam-client")),
        }
        rtt = PROFILES[profile]["rtt_ms"] / 1000
        for name, (argv, ok) in variants.items():
            if not ok:
                out[name] = {"missing": True}
                continue
            times, errors = [], []
            for _ in range(reps):
                env = client_env({"PATH": os.path.dirname(ctx.bin["roam"]) + ":" +
                                  os.environ.get("PATH", "/usr/bin:/bin")})
                client = PtyClient(argv, env)
                try:
                    t = client.wait_text(PROMPT_RE, 60)
                    if t is None:
                        errors.append(bytes(client.transcript[-200:]).decode(errors="replace"))
                    else:
                        times.append(t - client.started)
                        quiet_settle(client, 1.3 * rtt + 0.08, 2)
                        client.write(b"exit\r")
                        client.wait_exit(10 + 4 * rtt)
                finally:
                    client.close()
                    if net and name != "roam_local":
                        sshd = net.sshd()
                        deadline = now() + 5
                        while now() < deadline and sshd.session_pids():
                            time.sleep(0.05)
                        for pid in sshd.session_pids():
                            end_pid(pid, expect_comm="sshd", grace=1)
            out[name] = {"times_s": times, "median_s": statistics.median(times) if times else None,
                         "errors": errors}
    finally:
        if net:
            out["netsim_stats"] = net.close()
    return out


def measure_ssh_cat(ctx, profile, path, size, timeout, link_args=()):
    """`ssh host cat FILE` across the profile's link (plus `link_args`):
    wall time from starting ssh to its exit, stdout drained and counted."""
    net = Network(ctx, profile, ctx.tag(f"sshcat-{profile}"), link_args)
    out = {"link": net.kind, "bytes_expected": size, "timeout_s": timeout,
           "link_args": list(link_args)}
    try:
        ssh, host = net.ssh()
        r = run_client_command(net, ssh + [host, f"cat {path}"], timeout)
        out.update(r)
        out["completed"] = r["completed"] and r["stdout_bytes"] == size
        out["time_s"] = r["seconds"] if out["completed"] else None
        out["megabytes_per_s"] = r["stdout_bytes"] / 1e6 / r["seconds"] if r["seconds"] else None
    finally:
        out["netsim_stats"] = net.close()
    return out


def remote_shell_start(net, reps):
    """What every remote command pays before it runs, over ssh and roam
    alike: the user's shell started as sshd starts it (`$SHELL -c true`
    with SSH_CLIENT set, so bash reads ~/.bashrc), on the server's side.
    Printed beside the warm rows: where it takes most of a second (a
    ~/.bashrc that starts tools), it is most of what they measure."""
    shell = pwd.getpwuid(os.getuid()).pw_shell or "/bin/sh"
    # A top-level shell (no SHLVL), as under sshd.
    argv = ["env", "-u", "SHLVL", "SSH_CLIENT=198.18.0.1 50000 22", shell, "-c", "true"]
    if net.link:
        argv = net.link.in_server(argv)
    times = []
    for _ in range(reps):
        started = now()
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
        if r.returncode == 0:
            times.append(now() - started)
    return {"times_s": times, "median_s": statistics.median(times) if times else None,
            "shell": shell}


def measure_channels(ctx, profile, path, size, timeout, reps):
    """Channels against ssh on one link (the same run, the same file):
    `roam host -- cat` vs `ssh host cat`, the same over the ssh stream
    (--transport=ssh), `rsync -e roam` vs `rsync -e ssh`, `roam host -- true`
    cold and through a live `roam -N` session vs `ssh host true` cold and
    with ControlPersist, and, with UDP blocked on the link, how long
    `roam host -- true` takes to fall back to the stream."""
    net = Network(ctx, profile, ctx.tag(f"channels-{profile}"))
    out = {"link": net.kind, "bytes": size, "timeout_s": timeout}
    run_dir = os.path.join(ctx.workdir, f"run-{ctx.seq}")
    os.makedirs(run_dir, mode=0o700, exist_ok=True)
    master = None
    try:
        ssh, host = net.ssh()
        # Every roam here keeps its control sockets in a directory of the run.
        roam = ["env", f"XDG_RUNTIME_DIR={run_dir}", ctx.bin["roam"], f"--ssh={shlex.join(ssh)}",
                f"--server={ctx.bin['roam-server']}"]

        def timed(argv, expect_bytes=None):
            r = run_client_command(net, argv, timeout)
            ok = r["completed"] and (expect_bytes is None or r["stdout_bytes"] == expect_bytes)
            return {"time_s": r["seconds"] if ok else None, "status": r["status"],
                    "stdout_bytes": r["stdout_bytes"],
                    "megabytes_per_s": (r["stdout_bytes"] / 1e6 / r["seconds"]
                                        if ok and r["seconds"] else None),
                    "stderr_tail": r["stderr_tail"]}

        def median_of(argv):
            runs = [timed(argv) for _ in range(reps)]
            times = [r["time_s"] for r in runs if r["time_s"] is not None]
            return {"times_s": times, "median_s": statistics.median(times) if times else None,
                    "failures": [r["stderr_tail"] for r in runs if r["time_s"] is None]}

        cat = f"cat {shlex.quote(path)}"
        out["cat_roam"] = timed(roam + [host, "--", cat], size)
        out["cat_ssh"] = timed(ssh + [host, cat], size)
        out["cat_roam_stream"] = timed(roam + ["--transport=ssh", host, "--", cat], size)

        dest = os.path.join(ctx.workdir, f"rsync-{ctx.seq}")
        for name, rsh in (("rsync_roam", shlex.join(roam)), ("rsync_ssh", shlex.join(ssh))):
            shutil.rmtree(dest, ignore_errors=True)
            os.makedirs(dest)
            out[name] = timed(["rsync", "-a", "-e", rsh, path, f"{host}:{dest}/"])
            got = os.path.join(dest, os.path.basename(path))
            if out[name]["time_s"] is not None and (
                    not os.path.exists(got) or os.path.getsize(got) != size):
                out[name]["time_s"] = None
                out[name]["stderr_tail"] = "the copy is incomplete"
        shutil.rmtree(dest, ignore_errors=True)

        out["true_roam_cold"] = median_of(roam + [host, "--", "true"])
        out["true_ssh_cold"] = median_of(ssh + [host, "true"])
        control = os.path.join(run_dir, "cm-%C")
        persist = ssh + ["-o", "ControlMaster=auto", "-o", f"ControlPath={control}",
                         "-o", "ControlPersist=300"]
        timed(persist + [host, "true"])  # the master
        out["true_ssh_persist"] = median_of(persist + [host, "true"])
        subprocess.run(net.client_argv(persist + ["-O", "exit", host]), timeout=20,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

        master = subprocess.Popen(net.client_argv(roam + ["-N", host]), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sockets = os.path.join(run_dir, "roam")
        deadline = now() + 60
        while now() < deadline and not (os.path.isdir(sockets) and any(
                n.endswith(".sock") for n in os.listdir(sockets))):
            time.sleep(0.05)
        out["true_roam_warm"] = median_of(roam + [host, "--", "true"])
        out["remote_shell_start"] = remote_shell_start(net, reps)
        end_pid(master.pid)
        master.wait(10)
        master = None

        if net.link:
            net.command("block udp")
            try:
                out["fallback_true"] = median_of(roam + ["-v", host, "--", "true"])
            finally:
                net.command("block none")
        else:
            out["fallback_true"] = {"na": "packet-level link only"}
    finally:
        if master is not None:
            end_pid(master.pid)
            master.wait(10)
        out["netsim_stats"] = net.close()
    return out


class _Typing:
    """What type_measured needs of a session: its client and link timing."""

    def __init__(self, client, profile):
        self.client, self.profile = client, profile

    def rtt(self):
        return PROFILES[self.profile]["rtt_ms"] / 1000

    def quiet(self):
        return 1.3 * self.rtt() + 0.08


def measure_echo_under_load(ctx, profile, keys=20):
    """Keystroke echo (prediction off, so every key crosses the link) in a
    roam terminal session, idle and while `cat /dev/zero` runs through the
    same session (a command sent through its control socket, so that one
    channel saturates the link inside the session the keys travel in)."""
    net = Network(ctx, profile, ctx.tag(f"echo-load-{profile}"))
    out = {"link": net.kind}
    run_dir = os.path.join(ctx.workdir, f"run-{ctx.seq}")
    os.makedirs(run_dir, mode=0o700, exist_ok=True)
    client = loader = None
    try:
        ssh, host = net.ssh()
        roam = ["env", f"XDG_RUNTIME_DIR={run_dir}", ctx.bin["roam"], f"--ssh={shlex.join(ssh)}",
                f"--server={ctx.bin['roam-server']}"]
        client = PtyClient(net.client_argv(roam + ["--predict=never", host, "--", ctx.shell]),
                           client_env())
        sess = _Typing(client, profile)
        if client.wait_text(PROMPT_RE, 20 + 10 * sess.rtt()) is None:
            raise RuntimeError(f"no prompt: {bytes(client.transcript[-300:])!r}")
        quiet_settle(client, sess.quiet(), 5)
        text = "abcdefghijklmnopqrstuvwxyz"[:keys]
        idle = []
        type_measured(sess, text, idle)
        client.write(b"\x15")
        quiet_settle(client, sess.quiet(), 2 * sess.rtt() + 1)

        loader = subprocess.Popen(net.client_argv(roam + ["-v", host, "--", "cat /dev/zero"]),
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        moved = [0]

        def drain():
            while True:
                chunk = loader.stdout.read1(1 << 16)
                if not chunk:
                    return
                moved[0] += len(chunk)
        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        deadline = now() + 30
        while now() < deadline and moved[0] < 1_000_000 and loader.poll() is None:
            time.sleep(0.05)
        t_load = now()
        load_start = moved[0]
        loaded = []
        type_measured(sess, text, loaded)
        out["load_mb_per_s"] = (moved[0] - load_start) / 1e6 / max(1e-6, now() - t_load)
        client.write(b"\x15")
        end_pid(loader.pid)
        loader.wait(10)
        err = loader.stderr.read().decode(errors="replace")
        out["load_through_session"] = "through the session" in err
        loader = None

        def stats(values):
            got = [v * 1000 for v in values if v is not None]
            return {"median_ms": pct(got, 0.5), "p95_ms": pct(got, 0.95),
                    "missing": sum(1 for v in values if v is None)}
        out["idle"], out["loaded"] = stats(idle), stats(loaded)
    finally:
        if loader is not None:
            end_pid(loader.pid)
            loader.wait(10)
        if client is not None:
            try:
                client.write(b"\x03\rexit\r")
                client.wait_exit(10)
            except OSError:
                pass
            client.close()
        out["netsim_stats"] = net.close()
    return out


def run_microbenchmarks(ctx):
    results = {}
    pattern = os.path.join(ctx.args.build_dir, "bench", "*", "*")
    for path in sorted(glob.glob(pattern)):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        name = os.path.basename(path)
        argv = [path, "--benchmark_format=json"]
        if ctx.args.quick:
            argv.append("--benchmark_min_time=0.05")
        log(f"  microbenchmark {name}")
        try:
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  timeout=300 if not ctx.args.quick else 120)
            results[name] = json.loads(proc.stdout.decode())
        except (subprocess.TimeoutExpired, ValueError) as e:
            results[name] = {"error": str(e)}
    return results


# ---------------------------------------------------------------- reporting


def fmt_num(v, unit):
    if v is None:
        return "n/a"
    if v is NOT_APPLICABLE:
        return "-"
    if isinstance(v, str):
        return v
    if unit == "%":
        return f"{v * 100:.0f}%"
    if unit == "MiB":
        return f"{v / 1048576:.2f}"
    if unit == "KiB":
        return f"{v / 1024:.1f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}" if v else "0"


NOT_APPLICABLE = object()


def ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return f"{a / b:.2f}"
    return "-"


LINK_SHORT = {LINK_PACKET: "packet", LINK_MODELLED: "modelled", None: "-"}


def ceiling_line(c):
    return (f"packet-level link, forwarder ceiling with no impairment: "
            f"{c['udp_packets_per_s']:.0f} packets/s, {c['udp_mb_per_s']:.0f} MB/s "
            f"({int(c.get('packet_bytes', 1500))}-byte packets; forwarder "
            f"{c['forwarder_cpu'] * 100:.0f}% of a CPU); one TCP stream "
            f"{c['tcp_mb_per_s']:.0f} MB/s")


def print_table(rows):
    header = ["measurement", "link", "roam", "mosh", "ssh", "roam/mosh", "roam/ssh"]
    cells = [header]
    for label, unit, vals, link in rows:
        shown = [fmt_num(vals.get(s, NOT_APPLICABLE), unit) for s in SYSTEMS]
        ratios = (["-", "-"] if label.startswith("[link]") else
                  [ratio(vals.get("roam"), vals.get("mosh")),
                   ratio(vals.get("roam"), vals.get("ssh"))])
        cells.append([f"{label} ({unit})" if unit else label, LINK_SHORT[link]] + shown + ratios)
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(r[i].ljust(widths[i]) if i == 0 else r[i].rjust(widths[i])
                               for i in range(len(r))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    print("\n".join(lines))


def versions(ctx):
    def run(argv):
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
            return p.stdout.decode(errors="replace").strip().splitlines()[0]
        except Exception as e:  # noqa: BLE001 - reported, never fatal
            return f"unavailable ({e})"
    return {
        "roam": run([ctx.bin["roam"], "--version"]) if ctx.have("roam") else "missing",
        "mosh-server": run([ctx.bin["mosh-server"], "--version"]) if ctx.have("mosh-server")
        else "missing",
        "ssh": run(["ssh", "-V"]) if ctx.have("ssh") else "missing",
    }


def machine():
    model = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "model_name": model, "kernel": platform.release(),
            "python": platform.python_version()}


def _interrupted(signum, frame):
    """SIGTERM (and SIGINT, also when started in the background) unwind like
    Ctrl-C, so every session, relay and the private sshd is ended on the way
    out."""
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="lan + intercontinental, small sizes")
    ap.add_argument("--out", default=None, help="JSON file to write")
    ap.add_argument("--build-dir", default=None, help="build tree with the roam programs")
    ap.add_argument("--profiles", default=None, help="comma-separated profile list")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--skip", default="",
                    help="comma list of: typing,lines,bulk,setup,sshcat,channels,stream,ceiling,"
                    "micro")
    ap.add_argument("--link", choices=["auto", "packet", "relay"], default="auto",
                    help="packet-level link (root), the relays (modelled), or packet when it can")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args.build_dir = os.path.abspath(args.build_dir or os.path.join(repo, "build", "bench"))
    profiles = args.profiles.split(",") if args.profiles else (
        QUICK_PROFILES if args.quick else FULL_PROFILES)
    systems = [s for s in args.systems.split(",") if s]
    skip = set(filter(None, args.skip.split(",")))
    seq_n = 300000 if args.quick else 3000000
    cat_mib = 5 if args.quick else 50
    bulk_timeout = 60 if args.quick else 120
    started = now()

    workdir = tempfile.mkdtemp(prefix="roam-bench-")
    ctx = Context(args, workdir)
    raw = {"config": {"quick": args.quick, "profiles": profiles, "systems": systems,
                      "seq_n": seq_n, "cat_mib": cat_mib, "bulk_timeout_s": bulk_timeout,
                      "build_dir": args.build_dir, "seed": SEED, "cols": COLS, "rows": ROWS},
           "profile_settings": {p: PROFILES[p] for p in profiles},
           "machine": machine(), "versions": versions(ctx), "missing": {}, "results": {}}
    try:
        if args.link == "relay":
            why = "--link relay"
        else:
            ctx.packet_level, why = packet_link_available(ctx.bin["roam-netsim"])
            if args.link == "packet" and not ctx.packet_level:
                raise SystemExit(f"--link packet: the packet-level link cannot run: {why}")
        raw["link_mode"] = LINK_PACKET if ctx.packet_level else LINK_MODELLED
        if not ctx.packet_level:
            raw["link_modelled_because"] = why
            log(f"packet-level link unavailable ({why}): every row runs through the "
                "roam-netsim relays and is marked modelled")
        elif "ceiling" not in skip:
            try:
                raw["link_ceiling"] = measure_ceiling(ctx.bin["roam-netsim"],
                                                      1 if args.quick else 2)
                log(ceiling_line(raw["link_ceiling"]))
            except Exception as e:  # noqa: BLE001 - reported as n/a
                raw["link_ceiling"] = {"error": str(e)}
                log(f"  ceiling: {e}")
        if ctx.have("sshd", "ssh"):
            try:
                ctx.sshd = Sshd(workdir)
                ctx.sshd.start()
            except Exception as e:  # noqa: BLE001 - ssh rows then say "missing"
                log(f"sshd: {e}")
                ctx.sshd = None
        for s in systems:
            missing = ctx.system_missing(s)
            if missing:
                raw["missing"][s] = missing
                log(f"{s}: missing {', '.join(missing)}")

        cat_file = os.path.join(workdir, "bulk.txt")
        with open(cat_file, "w") as f:
            line_no, size = 0, 0
            while size < cat_mib * 1048576:
                line = f"{line_no:09d} the quick brown fox jumps over the lazy dog 0123456789\n"
                f.write(line)
                size += len(line)
                line_no += 1
        last_cat = f"{line_no - 1:09d} the quick".encode()
        ssh_cat_file = os.path.join(workdir, "sshcat.bin")
        with open(ssh_cat_file, "wb") as f:
            f.write(os.urandom(SSH_CAT_BYTES))
        channel_bytes = CHANNEL_BYTES_QUICK if args.quick else CHANNEL_BYTES
        channel_file = os.path.join(workdir, "channel.bin")
        with open(channel_file, "wb") as f:
            for _ in range(channel_bytes // 1048576):
                f.write(os.urandom(1048576))
            f.write(os.urandom(channel_bytes % 1048576))

        for profile in profiles:
            res = raw["results"].setdefault(profile, {})
            for s in systems:
                if s in raw["missing"]:
                    continue
                r = res.setdefault(s, {})
                if "typing" not in skip:
                    log(f"[{now() - started:6.0f}s] {profile} {s}: typing, prediction, recovery")
                    try:
                        r["interactive"] = measure_interactive(ctx, s, profile)
                    except Exception as e:  # noqa: BLE001 - reported as n/a
                        r["interactive"] = {"error": str(e)}
                        log(f"  error: {e}")
                if "lines" not in skip:
                    log(f"[{now() - started:6.0f}s] {profile} {s}: lines with think time, secrets")
                    try:
                        r["lines"] = measure_lines(ctx, s, profile)
                    except Exception as e:  # noqa: BLE001 - reported as n/a
                        r["lines"] = {"error": str(e)}
                        log(f"  error: {e}")
                if "bulk" not in skip:
                    for what, cmd, marker, last in (
                            ("seq", f"seq 1 {seq_n}; printf 'ZK%sWZ\\n' Q", b"ZKQWZ",
                             str(seq_n).encode()),
                            ("cat", f"cat {cat_file}; printf 'YK%sWY\\n' Q", b"YKQWY", last_cat)):
                        log(f"[{now() - started:6.0f}s] {profile} {s}: bulk {what}")
                        try:
                            r[f"bulk_{what}"] = measure_bulk(ctx, s, profile, what, cmd, marker,
                                                             last, bulk_timeout)
                        except Exception as e:  # noqa: BLE001
                            r[f"bulk_{what}"] = {"error": str(e)}
                            log(f"  error: {e}")
                        if s != "roam":
                            continue
                        # roam's default is native scrollback on (history
                        # kept, caught up on); the same with it off.
                        log(f"[{now() - started:6.0f}s] {profile} {s}: bulk {what}, history off")
                        try:
                            r[f"bulk_{what}_nohist"] = measure_bulk(
                                ctx, s, profile, what, cmd, marker, last, bulk_timeout,
                                env={"ROAM_SCROLLBACK": "0"})
                        except Exception as e:  # noqa: BLE001
                            r[f"bulk_{what}_nohist"] = {"error": str(e)}
                            log(f"  error: {e}")
            if "stream" not in skip and "roam" in systems and "roam" not in raw["missing"] \
                    and "ssh" not in raw["missing"]:
                r = res.setdefault(STREAM_SYSTEM, {})
                log(f"[{now() - started:6.0f}s] {profile} roam over the ssh stream: typing, seq")
                try:
                    r["interactive"] = measure_interactive(ctx, STREAM_SYSTEM, profile)
                except Exception as e:  # noqa: BLE001 - reported as n/a
                    r["interactive"] = {"error": str(e)}
                    log(f"  error: {e}")
                try:
                    r["bulk_seq"] = measure_bulk(
                        ctx, STREAM_SYSTEM, profile, "seq",
                        f"seq 1 {seq_n}; printf 'ZK%sWZ\\n' Q", b"ZKQWZ", str(seq_n).encode(),
                        bulk_timeout)
                except Exception as e:  # noqa: BLE001
                    r["bulk_seq"] = {"error": str(e)}
                    log(f"  error: {e}")
            if "channels" not in skip and ctx.have("roam", "roam-server") and ctx.sshd:
                log(f"[{now() - started:6.0f}s] {profile}: channels against ssh")
                try:
                    res["channels"] = measure_channels(
                        ctx, profile, channel_file, channel_bytes, CHANNEL_TIMEOUT_S,
                        3 if args.quick else COMMAND_REPS)
                except Exception as e:  # noqa: BLE001
                    res["channels"] = {"error": str(e)}
                    log(f"  error: {e}")
            if "channels" not in skip and ctx.have("roam", "roam-server") and ctx.sshd:
                log(f"[{now() - started:6.0f}s] {profile}: echo while a channel saturates")
                try:
                    res["echo_under_load"] = measure_echo_under_load(ctx, profile)
                except Exception as e:  # noqa: BLE001
                    res["echo_under_load"] = {"error": str(e)}
                    log(f"  error: {e}")
            if "setup" not in skip:
                log(f"[{now() - started:6.0f}s] {profile}: session set-up")
                try:
                    res["setup"] = measure_setup(ctx, profile, 3 if args.quick else 5)
                except Exception as e:  # noqa: BLE001
                    res["setup"] = {"error": str(e)}
                    log(f"  error: {e}")
            if "sshcat" not in skip and "ssh" in systems and "ssh" not in raw["missing"]:
                log(f"[{now() - started:6.0f}s] {profile}: ssh host cat")
                try:
                    res["ssh_cat"] = measure_ssh_cat(ctx, profile, ssh_cat_file, SSH_CAT_BYTES,
                                                     SSH_CAT_TIMEOUT_S)
                except Exception as e:  # noqa: BLE001
                    res["ssh_cat"] = {"error": str(e)}
                    log(f"  error: {e}")
            if args.out:
                # A partial file after every profile, so an interrupted run
                # still leaves its numbers behind.
                with open(args.out + ".partial", "w") as f:
                    json.dump(raw, f, indent=1, default=str)
        if "sshcat" not in skip and "ssh" in systems and "ssh" not in raw["missing"]:
            # The links of the hand measurements that motivated the
            # packet-level mode, so they can be compared with this machine's.
            for name, link_args in SSH_CAT_REFERENCE_LINKS:
                log(f"[{now() - started:6.0f}s] {name}: ssh host cat")
                try:
                    raw.setdefault("ssh_cat_reference", {})[name] = measure_ssh_cat(
                        ctx, "lan", ssh_cat_file, SSH_CAT_BYTES, SSH_CAT_TIMEOUT_S, link_args)
                except Exception as e:  # noqa: BLE001
                    raw.setdefault("ssh_cat_reference", {})[name] = {"error": str(e)}
                    log(f"  error: {e}")
        if "micro" not in skip:
            log(f"[{now() - started:6.0f}s] microbenchmarks")
            raw["microbenchmarks"] = run_microbenchmarks(ctx)
    finally:
        if ctx.sshd:
            ctx.sshd.stop()
        raw["wall_time_s"] = now() - started

    rows = build_rows(raw, profiles, systems)
    raw["table"] = [{"measurement": l, "unit": u, "link": k, **v} for l, u, v, k in rows]
    for row in raw["table"]:
        for key, v in list(row.items()):
            if v is NOT_APPLICABLE or v is None and key == "link":
                del row[key]
    if raw.get("link_ceiling") and "error" not in raw["link_ceiling"]:
        print(ceiling_line(raw["link_ceiling"]) + "\n")
    elif raw.get("link_modelled_because"):
        print(f"modelled: the packet-level link was not used ({raw['link_modelled_because']})\n")
    print_table(rows)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(raw, f, indent=1, default=str)
        print(f"\nwrote {args.out}")
        if os.path.exists(args.out + ".partial"):
            os.remove(args.out + ".partial")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def build_rows(raw, profiles, systems):
    """(label, unit, {system: value}, link) per table row; link is
    LINK_PACKET, LINK_MODELLED or None (no network involved)."""
    rows = []
    mode = raw.get("link_mode")

    def cell(profile, s, section, key, na_key=None):
        if s in raw["missing"]:
            return "missing"
        if s not in systems:
            return "not run"
        d = raw["results"].get(profile, {}).get(s, {}).get(section)
        if d is None:
            return "not run"
        if "error" in d:
            return "n/a (error)"
        v = d.get(key)
        if v is None and na_key and d.get(na_key):
            return f"n/a ({d[na_key]})"
        if v is None and section.startswith("bulk") and d.get("completed") is False:
            return f">{d['timeout_s']}s"
        return v

    ceiling = raw.get("link_ceiling")
    if ceiling and "error" not in ceiling:
        every = lambda v: {s: v for s in SYSTEMS}  # noqa: E731 - one link for all systems
        rows.append(("[link] forwarder ceiling, 1500-byte packets", "packets/s",
                     every(ceiling["udp_packets_per_s"]), LINK_PACKET))
        rows.append(("[link] forwarder ceiling, 1500-byte packets", "MB/s",
                     every(ceiling["udp_mb_per_s"]), LINK_PACKET))
        rows.append(("[link] forwarder CPU at that ceiling", "%",
                     every(ceiling["forwarder_cpu"]), LINK_PACKET))
        rows.append(("[link] one TCP stream, no impairment", "MB/s",
                     every(ceiling["tcp_mb_per_s"]), LINK_PACKET))
    elif ceiling:
        rows.append(("[link] forwarder ceiling", "", {s: "n/a (error)" for s in SYSTEMS},
                     LINK_PACKET))

    def ssh_cat_cell(d):
        if d is None:
            return "not run"
        if "error" in d:
            return "n/a (error)"
        if d.get("completed"):
            return d["time_s"]
        if d.get("status") is None:
            return f">{d['timeout_s']}s ({d['stdout_bytes'] / 1e6:.2f} MB)"
        return f"failed (exit {d['status']})"

    def ssh_cat_rows(name, d):
        label = f"[{name}] ssh host cat {SSH_CAT_BYTES // 1_000_000} MB"
        return [(label, "s", {"ssh": ssh_cat_cell(d)}, d.get("link", mode)),
                (label + ", after the first byte", "MB/s",
                 {"ssh": d.get("after_first_byte_mb_per_s")}, d.get("link", mode))]

    def stream_rows(profile):
        # roam over the ssh stream, in the roam column, beside ssh.
        d = raw["results"].get(profile, {}).get(STREAM_SYSTEM)
        if d is None:
            return []

        def value(section, key):
            sec = d.get(section)
            if sec is None:
                return "not run"
            if "error" in sec:
                return "n/a (error)"
            if sec.get(key) is None and section == "bulk_seq" and sec.get("completed") is False:
                return f">{sec['timeout_s']}s"
            return sec.get(key)

        out = []
        for section, key, label, unit in (
                ("interactive", "latency_median_ms", "keystroke latency median", "ms"),
                ("interactive", "latency_p95_ms", "keystroke latency p95", "ms"),
                ("interactive", "predicted_share", "predicted", "%"),
                ("interactive", "recovery_after_outage_ms", "recovery after outage", "ms"),
                ("interactive", "recovery_after_rebind_ms", "recovery after a new address", "ms"),
                ("bulk_seq", "time_s", "seq: time to final screen", "s"),
                ("bulk_seq", "wire_bytes_down", "seq: wire bytes down", "KiB")):
            ssh_side = "interactive" if section == "interactive" else "bulk_seq"
            out.append((f"[{profile}] over the ssh stream: {label}", unit,
                        {"roam": value(section, key), "ssh": cell(profile, "ssh", ssh_side, key)}))
        return out

    def channel_rows(profile):
        d = raw["results"].get(profile, {}).get("channels")
        if d is None:
            return []
        if "error" in d:
            return [(f"[{profile}] channels", "", {"roam": "n/a (error)"})]
        mb = d["bytes"] / 1e6

        def t(name, key="time_s"):
            v = d.get(name)
            if v is None:
                return "not run"
            if v.get("na"):
                return f"n/a ({v['na']})"
            if v.get(key) is None:
                return f"failed (exit {v.get('status')})" if "status" in v else "failed"
            return v[key]

        def ms(v):
            return v * 1000 if isinstance(v, float) else v

        return [
            (f"[{profile}] one channel: host -- cat {mb:.0f} MB", "s",
             {"roam": t("cat_roam"), "ssh": t("cat_ssh")}),
            (f"[{profile}] one channel: host -- cat {mb:.0f} MB", "MB/s",
             {"roam": t("cat_roam", "megabytes_per_s"), "ssh": t("cat_ssh", "megabytes_per_s")}),
            (f"[{profile}] over the ssh stream: host -- cat {mb:.0f} MB", "s",
             {"roam": t("cat_roam_stream"), "ssh": t("cat_ssh")}),
            (f"[{profile}] rsync -e roam|ssh {mb:.0f} MB", "s",
             {"roam": t("rsync_roam"), "ssh": t("rsync_ssh")}),
            (f"[{profile}] host -- true, cold", "s",
             {"roam": t("true_roam_cold", "median_s"), "ssh": t("true_ssh_cold", "median_s")}),
            (f"[{profile}] host -- true, warm (live session | ControlPersist)", "ms",
             {"roam": (lambda v: v * 1000 if isinstance(v, float) else v)(
                 t("true_roam_warm", "median_s")),
              "ssh": (lambda v: v * 1000 if isinstance(v, float) else v)(
                 t("true_ssh_persist", "median_s"))}),
            (f"[{profile}] the remote shell's own start ($SHELL -c true), in both", "ms",
             {"roam": ms(t("remote_shell_start", "median_s")),
              "ssh": ms(t("remote_shell_start", "median_s"))}),
            (f"[{profile}] host -- true with UDP blocked (falls back)", "s",
             {"roam": t("fallback_true", "median_s"), "ssh": t("true_ssh_cold", "median_s")}),
        ]

    for profile in profiles:
        rtt = PROFILES[profile]["rtt_ms"]
        for key, label in (("latency_median_ms", "keystroke latency median"),
                           ("latency_p95_ms", "keystroke latency p95"),
                           ("latency_p99_ms", "keystroke latency p99")):
            rows.append((f"[{profile}] {label}", "ms",
                         {s: cell(profile, s, "interactive", key) for s in SYSTEMS}))
        rows.append((f"[{profile}] keys never shown", "",
                     {s: cell(profile, s, "interactive", "keystrokes_never_shown")
                      for s in SYSTEMS}))
        rows.append((f"[{profile}] predicted (shown < RTT {rtt}ms - margin)", "%",
                     {s: cell(profile, s, "interactive", "predicted_share", "predicted_share_na")
                      for s in SYSTEMS}))
        rows.append((f"[{profile}] wrong predictions (no-echo keys drawn)", "%",
                     {s: cell(profile, s, "interactive", "wrong_share") for s in SYSTEMS}))
        if any("lines" in raw["results"].get(profile, {}).get(s, {}) for s in SYSTEMS):
            rows.extend(lines_rows(raw, profile, cell))
        for what in ("seq", "cat"):
            sec = f"bulk_{what}"
            off = f"bulk_{what}_nohist"
            # The roam column is native scrollback on (roam's default); the
            # "history off" rows are roam with ROAM_SCROLLBACK=0, beside the
            # same mosh and ssh numbers.
            for key, label, unit in (("time_s", "time to final screen", "s"),
                                     ("wire_bytes_down", "wire bytes down", "KiB"),
                                     ("wire_bytes_up", "wire bytes up", "KiB"),
                                     ("server_cpu_s", "server CPU", "s")):
                rows.append((f"[{profile}] {what}: {label} (roam history on)", unit,
                             {s: cell(profile, s, sec, key) for s in SYSTEMS}))
                rows.append((f"[{profile}] {what}: {label} (roam history off)", unit,
                             {s: cell(profile, s, off if s == "roam" else sec, key)
                              for s in SYSTEMS}))
            rows.append((f"[{profile}] {what}: server peak RSS", "MiB",
                         {s: (lambda v: v * 1024 if isinstance(v, (int, float)) else v)(
                             cell(profile, s, sec, "server_peak_rss_kib")) for s in SYSTEMS}))
            rows.append((f"[{profile}] {what}: client peak RSS", "MiB",
                         {s: (lambda v: v * 1024 if isinstance(v, (int, float)) else v)(
                             cell(profile, s, sec, "client_peak_rss_kib")) for s in SYSTEMS}))
        setup = raw["results"].get(profile, {}).get("setup")
        vals = {}
        for s in SYSTEMS:
            if setup is None:
                vals[s] = "not run"
            elif "error" in setup:
                vals[s] = "n/a (error)"
            elif setup.get(s, {}).get("missing"):
                vals[s] = "missing"
            else:
                vals[s] = setup.get(s, {}).get("median_s")
        rows.append((f"[{profile}] set-up via ssh to first prompt", "s", vals))
        if setup and "roam_local" in setup:
            rows.append((f"[{profile}] set-up roam --local (no network)", "s",
                         {"roam": "missing" if setup["roam_local"].get("missing")
                          else setup["roam_local"].get("median_s")}))
        rows.append((f"[{profile}] recovery after outage", "ms",
                     {s: cell(profile, s, "interactive", "recovery_after_outage_ms")
                      for s in SYSTEMS}))
        rows.append((f"[{profile}] recovery after rebind", "ms",
                     {s: cell(profile, s, "interactive", "recovery_after_rebind_ms",
                              "recovery_after_rebind_na") for s in SYSTEMS}))
        cat = raw["results"].get(profile, {}).get("ssh_cat")
        if cat is not None:
            rows.extend(ssh_cat_rows(profile, cat))
        rows.extend(stream_rows(profile))
        rows.extend(channel_rows(profile))
        load = raw["results"].get(profile, {}).get("echo_under_load")
        if load is not None:
            for phase in ("idle", "loaded"):
                for key, label in (("median_ms", "p50"), ("p95_ms", "p95")):
                    v = ("n/a (error)" if "error" in load else
                         (load.get(phase) or {}).get(key))
                    rows.append((f"[{profile}] echo {label}, no prediction, {phase} "
                                 f"(loaded: one channel saturating)", "ms", {"roam": v}))
    for name, d in (raw.get("ssh_cat_reference") or {}).items():
        rows.extend(ssh_cat_rows(name, d))
    for binary, data in sorted((raw.get("microbenchmarks") or {}).items()):
        for b in (data.get("benchmarks") or []) if isinstance(data, dict) else []:
            if b.get("run_type") == "aggregate":
                continue
            if "bytes_per_second" in b:
                rows.append((f"micro {binary}: {b['name']}", "MiB/s",
                             {"roam": b["bytes_per_second"] / 1048576}))
            else:
                unit = b.get("time_unit", "ns")
                rows.append((f"micro {binary}: {b['name']}", f"{unit}/iter cpu",
                             {"roam": b.get("cpu_time")}))
    # Rows built without a link are the per-profile session rows: they ran
    # across the run's link (roam --local and the microbenchmarks: none).
    return [r if len(r) == 4 else
            (*r, None if r[0].startswith("micro ") or "roam --local" in r[0] else mode)
            for r in rows]


def lines_rows(raw, profile, cell):
    """The rows of measure_lines for one profile."""
    rtt = PROFILES[profile]["rtt_ms"]
    rows = [(f"[{profile}] lines, think time: predicted (shown < RTT {rtt}ms - margin)", "%",
             {s: cell(profile, s, "lines", "predicted_share", "predicted_share_na")
              for s in SYSTEMS}),
            (f"[{profile}] lines, think time: first key of a line predicted", "%",
             {s: cell(profile, s, "lines", "first_keys_predicted_share", "predicted_share_na")
              for s in SYSTEMS})]
    for key, label in (("latency_median_ms", "echo p50"), ("latency_p95_ms", "echo p95"),
                       ("latency_p99_ms", "echo p99")):
        rows.append((f"[{profile}] lines, think time: {label}", "ms",
                     {s: cell(profile, s, "lines", key) for s in SYSTEMS}))
    for key, label in (("first_key_latency_median_ms", "first key of a line: echo p50"),
                       ("first_key_latency_p95_ms", "first key of a line: echo p95")):
        rows.append((f"[{profile}] lines, think time: {label}", "ms",
                     {s: cell(profile, s, "lines", key) for s in SYSTEMS}))
    rows.append((f"[{profile}] lines, think time: keys never shown", "",
                 {s: cell(profile, s, "lines", "keystrokes_never_shown") for s in SYSTEMS}))
    for label, _, _, times in SECRET_PROMPTS:
        vals = {}
        for s in SYSTEMS:
            secrets = cell(profile, s, "lines", "secrets")
            vals[s] = secrets.get(label, {}).get("drawn") if isinstance(secrets, dict) else secrets
        rows.append((f"[{profile}] no-echo keys drawn (of {times * len(SECRET_KEYS)}): {label}", "",
                     vals))
    return rows


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as e:
        print(f"\ninterrupted ({e}); every process the runner started has been ended",
              file=sys.stderr)
        sys.exit(130)

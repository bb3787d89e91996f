/**
 * The Python fork server ("zygote"), run as `python3 -I -S python-zygote.py '<config JSON>'`.
 *
 * It starts once, imports what tools commonly need, then forks one child per job, so that a call
 * costs a fork rather than an interpreter start. Protocol: one JSON job per line on stdin, one JSON
 * reply per line on stdout (see host-reply.ts); only the zygote writes to its stdout, and each child
 * sends its reply through a pipe of its own. The zygote enforces timeouts, reaps children and reads
 * their captured output; when its stdin ends it kills its children and exits.
 *
 * A job: {id, source, function, args, env, agent_state, timeout_ms, memory_mb, sys_path}.
 * A tool gets `agent_state` (when it has a parameter of that name) as a read-only view of the dict
 * the server sends: attribute access all the way down, plus Letta's `memory.get_block(label)`,
 * `memory.list_block_labels()` and `memory.get_blocks()`. Changes to it are not sent back.
 */
export const PYTHON_ZYGOTE_SCRIPT = String.raw`
import gc, inspect, json, linecache, os, resource, selectors, shutil, signal, sys, time, traceback, types
# Imported once here for every child. Not asyncio: it imports threading, whose after-fork hook
# makes every fork several ms slower; async tools import it themselves.
import datetime, re, typing

try:
    import ctypes
    LIBC = ctypes.CDLL(None, use_errno=True)
except Exception:
    LIBC = None

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
CAPTURE_LIMIT = 1 << 20
REPLY_LIMIT = 64 << 20
FILE_SIZE_LIMIT = 1 << 30  # per file the tool writes, its captured output included
BASE_ENV = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'LANG': 'C.UTF-8'}
CONFIG = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
JOBS_DIR = os.path.join(os.getcwd(), 'jobs')
ZYGOTE_PID = os.getpid()
RESULT_FD = 3


def send(message):
    data = memoryview((json.dumps(message) + '\n').encode())
    while data:
        data = data[os.write(1, data):]


def write_all(fd, data):
    data = memoryview(data)
    while data:
        data = data[os.write(fd, data):]


# ---- agent_state --------------------------------------------------------------------------

class StateView:
    """Read-only attribute access over a dict from the server."""
    __slots__ = ('_data',)

    def __init__(self, data):
        object.__setattr__(self, '_data', data)

    def __getattr__(self, name):
        try:
            return view(self._data[name], name)
        except KeyError:
            raise AttributeError(f"agent_state has no field '{name}'") from None

    def __getitem__(self, key):
        return view(self._data[key], key)

    def __setattr__(self, name, value):
        raise AttributeError('agent_state is read-only in this sandbox')

    def __contains__(self, key):
        return key in self._data

    def get(self, key, default=None):
        return view(self._data[key], key) if key in self._data else default

    def model_dump(self):
        return json.loads(json.dumps(self._data))

    def __repr__(self):
        return f'{type(self).__name__}({self._data!r})'


class MemoryView(StateView):
    __slots__ = ()

    def get_blocks(self):
        return [view(block) for block in self._data.get('blocks') or []]

    def list_block_labels(self):
        return [block.get('label') for block in self._data.get('blocks') or []]

    def get_block(self, label):
        for block in self._data.get('blocks') or []:
            if block.get('label') == label:
                return view(block)
        raise KeyError(f"Block field {label} does not exist (available sections = {', '.join(map(str, self.list_block_labels()))})")


def view(value, key=None):
    if isinstance(value, dict):
        return MemoryView(value) if key == 'memory' else StateView(value)
    if isinstance(value, list):
        return [view(item) for item in value]
    return value


# ---- in the child -------------------------------------------------------------------------

def set_limit(which, value):
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def isolate(job, job_dir, result_fd):
    """Turns the fresh fork into the tool's process: own session, limits, files, environment."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    if LIBC is not None:
        LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != ZYGOTE_PID:
        os._exit(71)
    set_limit(resource.RLIMIT_CORE, 0)
    set_limit(resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT)
    set_limit(resource.RLIMIT_AS, job['memory_mb'] << 20)
    cpu_seconds = int(job['timeout_ms'] / 1000) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    if CONFIG.get('max_processes'):
        set_limit(resource.RLIMIT_NPROC, CONFIG['max_processes'])

    work_dir = os.path.join(job_dir, 'work')
    os.mkdir(work_dir, 0o700)
    os.chdir(work_dir)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, name in ((1, 'stdout'), (2, 'stderr')):
        capture = os.open(os.path.join(job_dir, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(capture, fd)
        os.close(capture)
    if result_fd != RESULT_FD:
        os.dup2(result_fd, RESULT_FD)
        os.close(result_fd)
    # The tool must not hold the zygote's pipes: its stdin, other children's replies.
    os.closerange(RESULT_FD + 1, os.sysconf('SC_OPEN_MAX'))
    sys.stdin = open(0, 'r', closefd=False)
    sys.stdout = open(1, 'w', buffering=1, encoding='utf-8', errors='backslashreplace', closefd=False)
    sys.stderr = open(2, 'w', buffering=1, encoding='utf-8', errors='backslashreplace', closefd=False)

    os.environ.clear()
    os.environ.update(BASE_ENV)
    os.environ['HOME'] = work_dir
    os.environ.update(job.get('env') or {})
    sys.path[:0] = job.get('sys_path') or []
    if 'random' in sys.modules:
        sys.modules['random'].seed()  # forks share the zygote's generator state otherwise


def json_default(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    raise TypeError(f'Type {type(value)} not serializable')


def as_text(value):
    """The return value as Letta gives it to the model: str as is, None as "None", a dict as
    JSON (indent 2), anything else through str()."""
    if isinstance(value, str):
        return value
    if value is None:
        return 'None'
    if isinstance(value, dict):
        try:
            return json.dumps(value, indent=2, ensure_ascii=False, default=json_default)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def takes_agent_state(function):
    try:
        return 'agent_state' in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def call_tool(job):
    name = job['function']
    filename = f'<tool {name}>'
    source = job['source']
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType('__tool__')
    sys.modules['__tool__'] = module
    try:
        exec(compile(source, filename, 'exec'), module.__dict__)
        function = module.__dict__.get(name)
        if not callable(function):
            return {'outcome': 'raised', 'result': f"NameError: the tool's source code defines no function named '{name}'"}
        kwargs = dict(job['args'])
        if takes_agent_state(function):
            kwargs['agent_state'] = view(job.get('agent_state'))
        value = function(**kwargs)
        if inspect.isawaitable(value):
            import asyncio
            value = asyncio.run(value) if inspect.iscoroutine(value) else asyncio.run(asyncio.ensure_future(value))
        return {'outcome': 'returned', 'result': as_text(value)}
    except BaseException as error:
        traceback.print_exc()
        return {'outcome': 'raised', 'result': f'{type(error).__name__}: {error}'}


def run_child(job, job_dir, result_fd):
    try:
        isolate(job, job_dir, result_fd)
    except BaseException as error:
        write_all(result_fd, json.dumps({'outcome': 'crashed', 'result': f'the tool process could not be set up: {error!r}'}).encode())
        os._exit(70)
    reply = call_tool(job)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    try:
        write_all(RESULT_FD, json.dumps(reply).encode())
    except BaseException:
        os._exit(72)
    os._exit(0)


# ---- in the zygote ------------------------------------------------------------------------

class Child:
    def __init__(self, job, pid, pipe, job_dir):
        self.id = job['id']
        self.pid = pid
        self.pipe = pipe
        self.job_dir = job_dir
        self.deadline = time.monotonic() + job['timeout_ms'] / 1000
        self.buffer = bytearray()
        self.timed_out = False
        self.status = None


def read_capture(job_dir, name):
    try:
        with open(os.path.join(job_dir, name), 'rb') as capture:
            data = capture.read(CAPTURE_LIMIT + 1)
    except OSError:
        return ''
    text = data[:CAPTURE_LIMIT].decode('utf-8', 'replace')
    return text + '\n[output truncated]' if len(data) > CAPTURE_LIMIT else text


def describe_status(status):
    if status is not None and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f'killed by signal {name}' + (' at the CPU time limit' if number == signal.SIGXCPU else '')
    if status is not None and os.WIFEXITED(status):
        return f'exit status {os.WEXITSTATUS(status)}'
    return 'unknown exit'


def reply_for(child):
    try:
        reply = json.loads(bytes(child.buffer)) if child.buffer else None
    except ValueError:
        reply = None
    if not isinstance(reply, dict) or reply.get('outcome') not in ('returned', 'raised', 'crashed'):
        reply = {'outcome': 'timed-out', 'result': ''} if child.timed_out else {'outcome': 'crashed', 'result': describe_status(child.status)}
    return {'id': child.id, 'outcome': reply['outcome'], 'result': str(reply.get('result', '')),
            'stdout': read_capture(child.job_dir, 'stdout'), 'stderr': read_capture(child.job_dir, 'stderr')}


class Zygote:
    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.children = {}
        self.input = bytearray()
        self.job_count = 0

    def serve(self):
        os.umask(0o077)
        os.makedirs(JOBS_DIR, exist_ok=True)
        if LIBC is not None:
            # Tools run as one user: without this a tool could read a sibling's memory through /proc.
            LIBC.prctl(PR_SET_DUMPABLE, 0)
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_read, False)
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda number, frame: None)
        self.selector.register(0, selectors.EVENT_READ, 'stdin')
        self.selector.register(wake_read, selectors.EVENT_READ, 'wake')
        # Keeps the collector off the objects imported so far, so that children do not copy their pages.
        gc.freeze()
        send({'ready': True})
        while True:
            for key, _ in self.selector.select(self.next_timeout()):
                if key.data == 'stdin':
                    self.read_jobs()
                elif key.data == 'wake':
                    try:
                        while os.read(wake_read, 4096):
                            pass
                    except BlockingIOError:
                        pass
                else:
                    self.read_reply(key.data)
            self.kill_late_children()
            self.reap()

    def next_timeout(self):
        deadlines = [child.deadline for child in self.children.values() if not child.timed_out]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def read_jobs(self):
        chunk = os.read(0, 1 << 16)
        if not chunk:
            self.shut_down()
        self.input += chunk
        while b'\n' in self.input:
            line, _, rest = bytes(self.input).partition(b'\n')
            self.input = bytearray(rest)
            if line.strip():
                self.start_line(line)

    def start_line(self, line):
        job = None
        try:
            job = json.loads(line)
            self.start(job)
        except Exception as error:
            if isinstance(job, dict) and 'id' in job:
                send({'id': job['id'], 'outcome': 'crashed', 'result': f'the job could not be started: {error!r}', 'stdout': '', 'stderr': ''})

    def start(self, job):
        self.job_count += 1
        job_dir = os.path.join(JOBS_DIR, str(self.job_count))
        try:
            os.mkdir(job_dir, 0o700)
            read_fd, write_fd = os.pipe()
            pid = os.fork()
        except OSError as error:
            send({'id': job['id'], 'outcome': 'crashed', 'result': f'the tool process could not be started: {error}', 'stdout': '', 'stderr': ''})
            shutil.rmtree(job_dir, ignore_errors=True)
            return
        if pid == 0:
            os.close(read_fd)
            run_child(job, job_dir, write_fd)
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        child = Child(job, pid, read_fd, job_dir)
        self.children[pid] = child
        self.selector.register(read_fd, selectors.EVENT_READ, child)

    def read_reply(self, child):
        try:
            while True:
                data = os.read(child.pipe, 1 << 16)
                if not data:
                    self.close_pipe(child)
                    return
                if len(child.buffer) < REPLY_LIMIT:
                    child.buffer += data
        except BlockingIOError:
            pass

    def close_pipe(self, child):
        if child.pipe is not None:
            self.selector.unregister(child.pipe)
            os.close(child.pipe)
            child.pipe = None

    def kill_late_children(self):
        now = time.monotonic()
        for child in self.children.values():
            if not child.timed_out and child.deadline <= now:
                child.timed_out = True
                kill_group(child.pid)

    def reap(self):
        while True:
            try:
                # WNOWAIT leaves the child a zombie, so its pid cannot be reused while its group is killed.
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if info is None or info.si_pid == 0:
                return
            kill_group(info.si_pid)  # whatever the tool left running
            _, status = os.waitpid(info.si_pid, 0)
            child = self.children.pop(info.si_pid, None)
            if child is None:
                continue
            child.status = status
            if child.pipe is not None:
                self.read_reply(child)
                self.close_pipe(child)
            send(reply_for(child))
            shutil.rmtree(child.job_dir, ignore_errors=True)

    def shut_down(self):
        for pid in list(self.children):
            kill_group(pid)
        os._exit(0)


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


Zygote().serve()
`;

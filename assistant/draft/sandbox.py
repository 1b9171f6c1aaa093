"""The jinja2 sandbox that draft templates run in, with limits on time, output and sizes.

jinja2's ``SandboxedEnvironment`` keeps a template away from Python's internals, but not
from using the machine up: ``{{ 'x' * 2000000000 }}``, two nested ``range(100000)`` loops
or a macro that calls itself run for minutes or take gigabytes. A user's template (``assist
draft --templates DIR``) therefore runs here with

- a **time limit** (``timeout``, seconds): a timer interrupts the template where it is;
- an **output limit** (``max_output``, characters): the text is counted as it is made;
- **size caps** on what one operation may make, checked before it runs: ``range()`` (at most
  ``MAX_RANGE`` items), ``*`` ``+`` ``%`` and ``**`` on strings, lists and numbers,
  ``str.format``, and the string methods and filters that pad, repeat or replace
  (``center``, ``ljust``, ``indent``, ``replace``, ``join``…);
- on Linux a cap on the memory the render may add (``RLIMIT_AS``), as a last resort for
  what the caps do not foresee;

and any error in it (a recursive macro included) is a ``TemplateLimit`` or an exception
of the template's own, which ``assistant.draft.render`` reports as one line with the
template's file and line (exit 2).

Limits come from ``limits()``: the environment variables ``ASSIST_TEMPLATE_TIMEOUT`` and
``ASSIST_TEMPLATE_MAX_OUTPUT``, else ``[templates]`` ``timeout`` / ``max-output`` in
``assist.toml`` in the working folder, else the defaults below.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from jinja2.sandbox import SandboxedEnvironment

from assistant.errors import InputError

DEFAULT_TIMEOUT = 5.0  # seconds
DEFAULT_MAX_OUTPUT = 1_000_000  # characters (a report is some ten thousand)
MAX_RANGE = 100_000  # items of one range()
MAX_DIGITS = 10_000  # digits of a number made by **
MEMORY_MARGIN = 512 * 2**20  # bytes the render may add to the process (Linux, RLIMIT_AS)


class TemplateLimit(Exception):
    """A template went past one of the limits; the message is user-facing (Chinese).
    ``where``: (template file, line) when the traceback does not run through the template."""

    where: tuple[str, int] | None = None


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    max_output: int = DEFAULT_MAX_OUTPUT


def _number(value: Any, what: str, source: str, integer: bool) -> float:
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or not number > 0 or number != number or number == float("inf"):
        raise InputError(f"{source}：{what} 应是正数，而不是 {value!r}")
    return number


def limits(folder: str | None = None) -> Limits:
    """The limits in force: environment variables, else ``assist.toml`` ``[templates]``, else
    the defaults. A bad value is an ``InputError``."""
    timeout: Any = os.environ.get("ASSIST_TEMPLATE_TIMEOUT") or None
    max_output: Any = os.environ.get("ASSIST_TEMPLATE_MAX_OUTPUT") or None
    t_source = "ASSIST_TEMPLATE_TIMEOUT" if timeout is not None else None
    o_source = "ASSIST_TEMPLATE_MAX_OUTPUT" if max_output is not None else None
    if timeout is None or max_output is None:
        path = os.path.join(os.getcwd() if folder is None else folder, "assist.toml")
        if os.path.isfile(path):
            from assistant.check.config import _read_toml

            table = _read_toml(path).get("templates", {})
            if not isinstance(table, dict):
                raise InputError("assist.toml：[templates] 必须是一个表（table）")
            unknown = sorted(set(table) - {"timeout", "max-output"})
            if unknown:
                raise InputError(f"assist.toml：[templates] 中有未知的设置项 {', '.join(unknown)}"
                                 "（可用：timeout、max-output）")
            if timeout is None and "timeout" in table:
                timeout, t_source = table["timeout"], "assist.toml [templates] timeout"
            if max_output is None and "max-output" in table:
                max_output, o_source = table["max-output"], "assist.toml [templates] max-output"
    return Limits(
        DEFAULT_TIMEOUT if timeout is None else _number(timeout, "模板时间上限（秒）", t_source, False),
        DEFAULT_MAX_OUTPUT if max_output is None else int(_number(max_output, "模板输出上限（字符数）",
                                                                  o_source, True)),
    )


# --- size caps ------------------------------------------------------------------------------

_SEQUENCES = (str, list, tuple)
_WIDTH = re.compile(r"\d+")


def _too_long(size: int, cap: int, what: str) -> None:
    if size > cap:
        raise TemplateLimit(f"{what}会得到 {size} 个字符（或元素），超过上限 {cap}")


def _size(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return len(str(value))


class LimitedSandbox(SandboxedEnvironment):
    """``SandboxedEnvironment`` with caps on what one operation may make (see the module)."""

    intercepted_binops = frozenset({"*", "+", "%", "**"})

    def __init__(self, *args: Any, max_output: int = DEFAULT_MAX_OUTPUT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_output = max_output
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)  # filler text of any length: no use in a report
        for name, check in (("center", self._check_width), ("indent", self._check_indent),
                            ("replace", self._check_replace), ("join", self._check_join),
                            ("format", self._check_percent), ("batch", self._check_width),
                            ("slice", self._check_width), ("wordwrap", None), ("truncate", None)):
            if check is not None and name in self.filters:
                self.filters[name] = self._guarded_filter(self.filters[name], check)

    # range() -------------------------------------------------------------------------------
    @staticmethod
    def _range(*args: Any) -> range:
        rng = range(*args)
        try:
            n = len(rng)
        except OverflowError:
            n = MAX_RANGE + 1
        if n > MAX_RANGE:
            raise TemplateLimit(f"range() 最多 {MAX_RANGE} 项，这里要 {rng.start}…{rng.stop}")
        return rng

    # operators -----------------------------------------------------------------------------
    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        cap = self.max_output
        if operator_ == "*":
            seq, n = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
            if isinstance(seq, _SEQUENCES) and isinstance(n, int) and n > 0:
                _too_long(len(seq) * n, cap, "乘法重复")
        elif operator_ == "+":
            if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
                _too_long(len(left) + len(right), cap, "相加")
        elif operator_ == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                if right * abs(left).bit_length() > MAX_DIGITS * 3.33:
                    raise TemplateLimit(f"乘方的结果超过 {MAX_DIGITS} 位")
        elif operator_ == "%" and isinstance(left, str):
            self._check_percent(left, right)
        return super().call_binop(context, operator_, left, right)

    def _check_percent(self, fmt: Any, *args: Any, **kwargs: Any) -> None:
        """``fmt % args`` (and the format filter): no width or precision past the cap."""
        if not isinstance(fmt, str):
            return
        for spec in re.findall(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?", fmt):
            for part in spec:
                if part.isdigit() and int(part) > self.max_output:
                    raise TemplateLimit(f"格式宽度 {part} 超过上限 {self.max_output}")
        if "*" in fmt:
            values = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
            for v in values:
                if isinstance(v, int) and v > self.max_output:
                    raise TemplateLimit(f"格式宽度 {v} 超过上限 {self.max_output}")

    # method calls and filters ------------------------------------------------------------
    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name in ("center", "ljust", "rjust", "zfill"):
                __self._check_width(owner, *args, **kwargs)
            elif name == "expandtabs":
                size = args[0] if args else kwargs.get("tabsize", 8)
                if isinstance(size, int):
                    _too_long(len(owner) + owner.count("\t") * size, __self.max_output, "展开制表符")
            elif name == "replace":
                __self._check_replace(owner, *args, **kwargs)
            elif name == "join" and args:
                items = list(args[0])
                _too_long(sum(map(_size, items)) + len(owner) * len(items), __self.max_output, "连接")
                args = (items, *args[1:])
        return super().call(__context, __obj, *args, **kwargs)

    def _check_width(self, value: Any, width: Any = 0, *args: Any, **kwargs: Any) -> None:
        if isinstance(width, int):
            _too_long(width, self.max_output, "填充或分组")

    def _check_indent(self, value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> None:
        if isinstance(width, str):
            size = len(width)
        elif isinstance(width, int):
            size = width
        else:
            return
        _too_long(size * (str(value).count("\n") + 1) + len(str(value)), self.max_output, "缩进")

    def _check_replace(self, value: Any, old: Any = "", new: Any = "", *args: Any, **kwargs: Any) -> None:
        if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
            times = value.count(old) if old else len(value) + 1
            _too_long(len(value) + times * max(0, len(new) - len(old)), self.max_output, "替换")

    def _check_join(self, value: Any, d: Any = "", *args: Any, **kwargs: Any) -> None:
        if isinstance(value, (list, tuple, str)):
            _too_long(sum(map(_size, value)) + _size(d) * len(value), self.max_output, "连接")

    @staticmethod
    def _guarded_filter(func: Callable, check: Callable) -> Callable:
        import functools

        from jinja2 import Environment
        from jinja2.nodes import EvalContext
        from jinja2.runtime import Context

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            # a filter marked pass_eval_context (replace, join) gets that first
            plain = args[1:] if args and isinstance(args[0], (EvalContext, Context, Environment)) else args
            check(*plain, **kwargs)
            return func(*args, **kwargs)

        return guarded

    def wrap_str_format(self, value: Any) -> Any:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        cap = self.max_output

        def checked(*args: Any, **kwargs: Any) -> str:
            for spec in _format_specs(value.__self__):
                for number in _WIDTH.findall(spec):
                    if int(number) > cap:
                        raise TemplateLimit(f"格式宽度 {number} 超过上限 {cap}")
            return wrapper(*args, **kwargs)

        return checked


def _format_specs(fmt: str) -> Iterator[str]:
    """The format specs of a ``str.format`` string, nested ones included."""
    import string

    try:
        for _, _, spec, _ in string.Formatter().parse(fmt):
            if spec:
                yield spec
                yield from _format_specs(spec)
    except ValueError:
        return


# --- running a template within the time and memory limits -----------------------------------

class _Timer:
    """Raise ``TemplateLimit`` in the rendering thread once ``seconds`` have passed: by
    SIGALRM in the main thread (POSIX), else by an asynchronous exception (CPython)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.done = False
        self.fired = False
        self.undo: Callable[[], None] = lambda: None

    def message(self) -> str:
        return f"运行超过 {self.seconds:g} 秒的时间上限（可用 ASSIST_TEMPLATE_TIMEOUT 或 assist.toml 调整）"

    def start(self) -> None:
        import signal

        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            def on_alarm(signum: int, frame: Any) -> None:
                if not self.done:
                    self.fired = True
                    raise TemplateLimit(self.message())

            old = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

            def undo() -> None:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)

            self.undo = undo
            return
        self._start_async()

    def _start_async(self) -> None:
        try:
            import ctypes

            set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
        except (ImportError, AttributeError):  # not CPython: the size caps still hold
            return
        ident = threading.get_ident()

        def fire() -> None:
            with self.lock:
                if not self.done:
                    self.fired = True
                    set_async(ctypes.c_ulong(ident), ctypes.py_object(_AsyncTimeout))

        timer = threading.Timer(self.seconds, fire)
        timer.daemon = True
        timer.start()

        def undo() -> None:
            timer.cancel()
            if self.fired:  # raised, or about to be: clear it, the caller raises its own
                set_async(ctypes.c_ulong(ident), None)

        self.undo = undo

    def stop(self) -> None:
        with self.lock:
            self.done = True
        self.undo()


class _AsyncTimeout(TemplateLimit):
    """Raised into a rendering thread that is not the main one (no message: made by class)."""


@contextlib.contextmanager
def _memory_cap(margin: int) -> Iterator[None]:
    """Let the process grow by at most ``margin`` bytes of address space (Linux), so that
    an allocation the caps do not foresee fails with MemoryError instead of swapping."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = used + margin
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft != resource.RLIM_INFINITY and soft <= cap:
            cap = None  # already tighter
    except (ImportError, OSError, ValueError, AttributeError):
        cap = None
    if cap is None:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _generator_where(gen: Any) -> tuple[str, int] | None:
    """The template file and line where a suspended ``Template.generate()`` stands: the
    innermost frame of its ``yield from`` chain that belongs to a compiled template."""
    found = None
    while gen is not None:
        frame = getattr(gen, "gi_frame", None)
        template = frame.f_globals.get("__jinja_template__") if frame is not None else None
        if template is not None:
            found = (template.filename or template.name, template.get_corresponding_lineno(frame.f_lineno))
        gen = getattr(gen, "gi_yieldfrom", None)
    return found


def render_limited(template: Any, context: dict, lim: Limits) -> str:
    """``template.render(**context)`` within ``lim``: ``TemplateLimit`` when one is passed
    (its traceback runs through the template's frames, for the line)."""
    timer = _Timer(lim.timeout)
    parts: list[str] = []
    total = 0
    with _memory_cap(MEMORY_MARGIN + 8 * lim.max_output):
        timer.start()
        try:
            gen = template.generate(**context)
            try:
                for chunk in gen:
                    total += len(chunk)
                    if total > lim.max_output:
                        exc = TemplateLimit(f"输出超过 {lim.max_output} 个字符的上限（可用 ASSIST_TEMPLATE_MAX_OUTPUT 或 assist.toml 调整）")
                        exc.where = _generator_where(gen)
                        raise exc
                    parts.append(chunk)
            finally:
                timer.stop()
                gen.close()
        except _AsyncTimeout as exc:
            raise TemplateLimit(timer.message()).with_traceback(exc.__traceback__) from None
        except TemplateLimit:
            raise
        except MemoryError as exc:
            raise TemplateLimit("占用的内存超过上限").with_traceback(exc.__traceback__) from None
    return "".join(parts)

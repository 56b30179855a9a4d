"""Values as the text PostgreSQL prints for them, in COPY's text format.

import-sqlite sends every value as the text PostgreSQL's output function
gives for the stored value, so that one digest serves both sides: Python
hashes each COPY line it sends, and PostgreSQL hashes the same line rebuilt
from the stored row (`row_digest_sql`).  A value the server stores
differently from what was sent (rounded, padded, normalised) changes the
line, and the import stops before its commit.

Each field function takes a SQLite value and returns its COPY field: the
value's text with COPY's escapes, or `\\N` for NULL; a value that cannot be
converted raises ValueError (or TypeError, OverflowError, ArithmeticError).
The output formats assume the session settings of `SESSION_SETTINGS`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import struct
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from itertools import chain
from json.encoder import c_make_encoder, encode_basestring  # json's C parts, as dumps uses
from uuid import UUID

NULL = "\\N"
_EPOCH = dt.datetime(1970, 1, 1)
_INFINITIES = {float("inf"): "Infinity", float("-inf"): "-Infinity"}

# Output formats that depend on settings are pinned for the import's transaction.
SESSION_SETTINGS = {
    "DateStyle": "ISO, MDY",
    "TimeZone": "UTC",
    "extra_float_digits": "1",  # shortest exact text of a float (PostgreSQL 12+)
    "bytea_output": "hex",
}

_INTEGER_RANGES = {
    "SMALLINT": 16,
    "SMALLSERIAL": 16,
    "INTEGER": 32,
    "INT": 32,
    "SERIAL": 32,
    "BIGINT": 64,
    "BIGSERIAL": 64,
}
INTEGER_TYPES = frozenset(_INTEGER_RANGES)
_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "TIMETZ")
# Types whose text never holds a backslash, tab, newline or carriage return,
# so the digest's SQL need not escape them.
_PLAIN = {*_INTEGER_RANGES, *_TIMESTAMPS, "BOOLEAN", "DECIMAL", "NUMERIC", "DOUBLE PRECISION"}
_PLAIN |= {"REAL", "UUID"}


def copy_escape(text: str) -> str:
    """COPY's text format: backslash, tab, newline and carriage return escaped."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --- one field function per kind of column ------------------------------------------


def field_for(column_type):
    """The field function for a column of the DDL model (a sql.model.ColumnType)."""
    base, args = column_type.base, column_type.args
    if column_type.array or column_type.kind != "builtin":
        return text_field  # enums take their labels; SQLite holds no scalar lists
    if base in _INTEGER_RANGES:
        return integer_field(_INTEGER_RANGES[base])
    if base in _TIMESTAMPS:
        return timestamp_field(base, int(args[0]) if args else 6)
    if base == "BOOLEAN":
        return boolean_field
    if base == "JSONB":
        return jsonb_field
    if base == "JSON":
        return json_field
    if base in ("DECIMAL", "NUMERIC"):
        return decimal_field(*(int(a) for a in args))
    if base == "DOUBLE PRECISION":
        return float_field
    if base == "REAL":
        return real_field
    if base == "BYTEA":
        return bytea_field
    if base == "UUID":
        return uuid_field
    if base in ("CHAR", "CHARACTER"):
        return char_field(int(args[0]) if args else 1)
    return text_field  # TEXT, VARCHAR(n), XML, INET, …: PostgreSQL keeps the text as sent


def is_plain(column_type) -> bool:
    """Whether the column's text never needs COPY's escapes (see _PLAIN)."""
    return column_type.kind == "builtin" and not column_type.array and column_type.base in _PLAIN


def is_text(column_type) -> bool:
    """Whether the column's values are text already (no output function to call)."""
    builtin = column_type.kind == "builtin" and not column_type.array
    return builtin and column_type.base in ("TEXT", "VARCHAR")


def text_of(value) -> str:
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if "\x00" in text:
        raise ValueError("text with a NUL byte, which PostgreSQL cannot store")
    return text


def text_field(value) -> str:
    if type(value) is str and "\x00" not in value:
        return copy_escape(value)
    if value is None:
        return NULL
    return copy_escape(text_of(value))


def char_field(length: int):
    """CHAR(n) prints its value padded with spaces to n characters."""

    def field(value) -> str:
        if value is None:
            return NULL
        return copy_escape(text_of(value).ljust(length))

    return field


def to_int(value) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"not an integer: {value!r}")
    return int(value)


def integer_field(bits: int):
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def field(value) -> str:
        if value is None:
            return NULL
        if type(value) is not int:
            value = to_int(value)
        if not low <= value <= high:
            raise ValueError(f"out of the range of a {bits}-bit integer")
        return str(value)

    return field


def to_boolean(value) -> bool:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "t"):
            return True
        if lowered in ("0", "false", "f"):
            return False
        raise ValueError(f"not a Boolean: {value!r}")
    if value in (0, 1):
        return bool(value)
    raise ValueError(f"not a Boolean: {value!r}")


def boolean_field(value) -> str:
    if value is None:
        return NULL
    return "t" if to_boolean(value) else "f"


# --- DateTime ------------------------------------------------------------------------


def to_timestamp(value) -> dt.datetime:
    """Prisma's SQLite DateTime: integer epoch milliseconds (older engines) or
    text such as '2024-01-02 03:04:05.678', '2024-01-02T03:04:05.678Z' or
    '…+00:00'; a naive datetime in UTC, to the millisecond (what Prisma keeps)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch_ms(value)
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    text = text.strip()
    if text.lstrip("-").isdigit():
        return _from_epoch_ms(int(text))
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000)


def _from_epoch_ms(value) -> dt.datetime:
    try:
        return _EPOCH + dt.timedelta(milliseconds=int(value))
    except (OverflowError, ValueError):
        raise ValueError("epoch milliseconds out of the range of a timestamp") from None


@functools.cache  # one function per type: columns of one type share a table of values
def timestamp_field(base: str, precision: int):
    """TIMESTAMP(p) and its kin as PostgreSQL prints them under
    SESSION_SETTINGS: fraction cut to p digits (sent so, nothing for the
    server to round), trailing zeros dropped; UTC as '+00'."""
    unit = 10 ** (6 - min(max(precision, 0), 6))
    zone = "+00" if base in ("TIMESTAMPTZ", "TIMETZ") else ""

    def field(value) -> str:
        if value is None:
            return NULL
        moment = _from_epoch_ms(value) if type(value) is int else to_timestamp(value)
        if moment.microsecond % unit:
            moment = moment.replace(microsecond=moment.microsecond // unit * unit)
        if base == "DATE":
            return str(moment.date())
        text = str(moment.time()) if base in ("TIME", "TIMETZ") else str(moment)
        if moment.microsecond:
            text = text.rstrip("0")
        return text + zone

    if base != "TIMESTAMP" or precision < 3:
        return field

    def millisecond_field(value) -> str:
        """Prisma's DateTime, TIMESTAMP(3): its two SQLite encodings the fast way."""
        if type(value) is int:
            return _epoch_ms_text(value)
        if type(value) is str and _is_printed_form(value):
            return value
        return field(value)

    return millisecond_field


_DATES: dict[int, str] = {}  # days since 1970 -> 'YYYY-MM-DD'
# A time of day from tables: ' HH:MM:' by minute of the day, 'SS', '.fff' less
# its trailing zeros (nothing for .000), so a timestamp is four lookups.
_MINUTES = [f" {m // 60:02d}:{m % 60:02d}:" for m in range(1440)]
_SECONDS = [f"{s:02d}" for s in range(60)]
_FRACTIONS = [f".{f:03d}".rstrip("0") if f else "" for f in range(1000)]


def _epoch_ms_text(value: int) -> str:
    days, millis = divmod(value, 86_400_000)
    date = _DATES.get(days)
    if date is None:
        try:
            date = str(_EPOCH.date() + dt.timedelta(days=days))
        except OverflowError:
            raise ValueError("epoch milliseconds out of the range of a timestamp") from None
        if len(_DATES) < 1 << 16:
            _DATES[days] = date
    minute, millis = divmod(millis, 60_000)
    second, fraction = divmod(millis, 1000)
    return date + _MINUTES[minute] + _SECONDS[second] + _FRACTIONS[fraction]


def _is_printed_form(text: str) -> bool:
    """Whether `text` is a valid timestamp already as PostgreSQL prints a
    TIMESTAMP(3): 'YYYY-MM-DD HH:MM:SS[.f[f[f]]]', no zone, no trailing zero."""
    size = len(text)
    if size != 19 and not (21 <= size <= 23 and text[19] == "." and text[-1] != "0"):
        return False
    if text[10] != " " or text[4] != "-" or not text[:4].isdigit():
        return False
    try:
        return dt.datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False


# --- numbers -------------------------------------------------------------------------


def decimal_field(precision: int | None = None, scale: int | None = None):
    """NUMERIC(p,s) prints s fraction digits, rounding half away from zero;
    plain NUMERIC keeps the scale it was given."""
    if precision is not None and scale is None:
        scale = 0
    context = Context(prec=(precision or 0) + 2000)
    step = Decimal(1).scaleb(-scale) if scale is not None else None

    def field(value) -> str:
        if value is None:
            return NULL
        try:
            number = Decimal(text_of(value).strip())  # str(): REAL 0.1 stays 0.1
            if step is not None and number.is_finite():
                number = number.quantize(step, rounding=ROUND_HALF_UP, context=context)
        except InvalidOperation:
            raise ValueError("not a decimal number") from None
        if precision is not None and number.is_finite() and number.adjusted() >= precision - scale:
            raise ValueError(f"out of the range of NUMERIC({precision},{scale})")
        if number.is_zero():
            number = number.copy_abs()  # PostgreSQL has no negative zero
        return format(number, "f") if number.is_finite() else _special_number(number)

    return field


def _special_number(number: Decimal) -> str:
    if number.is_nan():
        return "NaN"
    return "-Infinity" if number.is_signed() else "Infinity"


def float_text(value: float) -> str:
    """float8out's text (Ryu, shortest exact): Python's repr has the same
    digits, except that PostgreSQL's Ryu never takes a decimal lying exactly
    half-way to the next double (see `_strictly_shortest`); it switches to an
    exponent at 1e15 where Python does at 1e16, and writes 100 for 100.0."""
    if value != value:
        return "NaN"
    if value in _INFINITIES:
        return _INFINITIES[value]
    text = repr(value)
    # Below 2**53 a double's half-way points have more than 17 digits: repr is
    # never one.  Above, the exact check; integers below 2**53 print exactly.
    if abs(value) >= 9007199254740992.0:
        text = _strictly_shortest(value, *_double_neighbours(value), 17) or text
    if "e" in text:
        mantissa, exponent = text.split("e")
        return _exponent_form(mantissa, int(exponent))
    if text.endswith(".0"):
        text = text[:-2]
    if abs(value) >= 1e15:  # 1e15 <= |value| < 1e16: an exponent in PostgreSQL
        return _with_exponent(text, 15)
    return text


def real_text(value: float) -> str:
    """float4out's text of `value` rounded to single precision: the shortest
    decimal strictly between the half-way points to its neighbours, with an
    exponent outside 1e-4 <= |value| < 1e6."""
    (single,) = struct.unpack("f", struct.pack("f", value))
    if single != single or single in _INFINITIES:
        return float_text(single)
    if single == 0:
        return "-0" if math.copysign(1, single) < 0 else "0"
    text = _strictly_shortest(single, *_single_neighbours(single), 9)
    mantissa, exponent = text.split("e")
    exponent = int(exponent)
    if -4 <= exponent < 6:
        fixed = format(Decimal(text), "f")
        return fixed if "." not in fixed else fixed.rstrip("0").rstrip(".")
    return _exponent_form(mantissa, exponent)


_EXACT = Context(prec=2000)


def _strictly_shortest(value: float, below: float, above: float, most: int) -> str | None:
    """The shortest correctly rounded decimal ('d.ddde+XX') strictly inside
    the interval of decimals that read back as `value`, as PostgreSQL's Ryu
    (built without STRICTLY_SHORTEST) picks it; None if there is none."""
    exact = Decimal(value)
    low = _EXACT.divide(_EXACT.add(Decimal(below), exact), 2)
    high = _EXACT.divide(_EXACT.add(exact, Decimal(above)), 2)
    for digits in range(1, most + 1):
        text = f"{value:.{digits - 1}e}"
        if low < Decimal(text) < high:
            return text
    return None


def _double_neighbours(value: float) -> tuple[float, float]:
    return math.nextafter(value, -math.inf), math.nextafter(value, math.inf)


def _single_neighbours(single: float) -> tuple[float, float]:
    """The single-precision floats below and above `single` (the one above
    the largest is 2**128, where rounding would give infinity)."""
    (bits,) = struct.unpack("<I", struct.pack("<f", abs(single)))
    smaller = struct.unpack("<f", struct.pack("<I", bits - 1))[0] if bits else -5e-324
    larger = struct.unpack("<f", struct.pack("<I", bits + 1))[0]
    if larger == math.inf:
        larger = 2.0**128
    return (smaller, larger) if single > 0 else (-larger, -smaller)


def _exponent_form(mantissa: str, exponent: int) -> str:
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _with_exponent(fixed: str, exponent: int) -> str:
    sign = "-" if fixed.startswith("-") else ""
    digits = fixed.lstrip("-").replace(".", "").rstrip("0")
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e+{exponent}"


def _to_float(value) -> float:
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return float(value)


def float_field(value) -> str:
    if value is None:
        return NULL
    return float_text(value if type(value) is float else _to_float(value))


def real_field(value) -> str:
    if value is None:
        return NULL
    return real_text(_to_float(value))


# --- JSON, bytes, UUID ---------------------------------------------------------------


class _NotPlain(Exception):
    """A JSON number whose PostgreSQL text differs from Python's repr."""


def _plain_float(text: str) -> float:
    value = float(text)
    if "e" in text or "E" in text or repr(value) != text or (value == 0 and text[0] == "-"):
        raise _NotPlain
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON PostgreSQL accepts")


def _utf8_order(key: str) -> tuple[int, str]:
    return (len(key.encode("utf-8", "surrogatepass")), key)


def _jsonb_object(pairs: list) -> dict:
    """jsonb keeps the last of repeated keys, and orders keys by length, then
    by bytes (code points order UTF-8 alike)."""
    value = dict(pairs)
    if len(value) < 2:
        return value
    keys = list(value)
    if "".join(keys).isascii():  # a character is a byte: two sorts by C keys
        ordered = sorted(keys)
        ordered.sort(key=len)
    else:
        ordered = sorted(keys, key=_utf8_order)
    return value if ordered == keys else {key: value[key] for key in ordered}


# Built once: json.loads and json.dumps with options build a new decoder or
# encoder on every call, which was half the cost of a small document.
_JSONB_DECODER = json.JSONDecoder(
    object_pairs_hook=_jsonb_object, parse_float=_plain_float, parse_constant=_refuse_constant
)
_EXACT_DECODER = json.JSONDecoder(
    object_pairs_hook=_jsonb_object, parse_float=Decimal, parse_constant=_refuse_constant
)
_JSON_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_JSONB_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
_JSONB_SCAN = _JSONB_DECODER.scan_once
# The same, building dicts in C (no hook per object): right as it stands when
# no object's keys need reordering, which _in_jsonb_order decides.
_PLAIN_SCAN = json.JSONDecoder(parse_float=_plain_float, parse_constant=_refuse_constant).scan_once
# dumps' C encoder made once (None where Python has no C accelerator); no
# circular-reference markers: a parsed document has no cycles.
_JSONB_C_ENCODE = c_make_encoder and c_make_encoder(
    None, None, encode_basestring, None, ": ", ", ", False, False, True
)


def _jsonb_encode(value) -> str:
    if _JSONB_C_ENCODE is None:  # pragma: no cover - CPython has the accelerator
        return _JSONB_ENCODER.encode(value)
    return "".join(_JSONB_C_ENCODE(value, 0))


# Key sequences of flat objects seen, and whether jsonb keeps them in that order
# (a column's documents mostly share a few shapes).  Bounded: cleared when full.
_KEY_ORDERS: dict[tuple, bool] = {}


def _in_jsonb_order(keys: tuple) -> bool:
    known = _KEY_ORDERS.get(keys)
    if known is None:
        if len(_KEY_ORDERS) >= 4096:
            _KEY_ORDERS.clear()
        known = _KEY_ORDERS[keys] = list(keys) == list(_jsonb_object([(k, 0) for k in keys]))
    return known


def jsonb_text(text: str) -> str:
    """The text PostgreSQL prints for `text` stored as jsonb: keys ordered,
    ', ' and ': ' between items, numbers as numeric prints them."""
    # Most documents are one object (or none), its keys already in jsonb's
    # order: decoded without a Python call per object, they need no reordering
    # (1.5 -> 0.9 us for a small document).  Any other document (two "{" or
    # more, one not at the top, keys out of order) takes the ordering path.
    out = None
    opening = text.find("{")
    if opening < 0 or text.find("{", opening + 1) < 0:
        try:
            value, end = _PLAIN_SCAN(text, 0)
        except (StopIteration, _NotPlain, ValueError):
            end = -1  # not plain JSON or not JSON at all: the path below says which
        # The cache is read here first: a call less per document (~0.1 us).
        if end == len(text) and (
            opening < 0
            or type(value) is dict
            and (_KEY_ORDERS.get(keys := tuple(value)) or _in_jsonb_order(keys))
        ):
            out = _jsonb_encode(value)
    if out is None:
        try:
            try:
                value, end = _JSONB_SCAN(text, 0)
            except StopIteration:  # leading white space, or not JSON: decode() says which
                end = -1
            if end != len(text):
                value = _JSONB_DECODER.decode(text)
            out = _jsonb_encode(value)
        except _NotPlain:  # a number Python would print otherwise: the slow, exact way
            value = _EXACT_DECODER.decode(text)
            out = _jsonb_dump(value)
    if "\\u0000" in out and _holds_nul(value):
        raise ValueError("JSON with a \\u0000, which jsonb cannot store")
    return out


def _jsonb_dump(value) -> str:
    if isinstance(value, dict):
        items = (f"{encode_basestring(k)}: {_jsonb_dump(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_jsonb_dump(v) for v in value) + "]"
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return format(value.copy_abs() if value.is_zero() else value, "f")
    return str(value)  # int


def _holds_nul(value) -> bool:
    if isinstance(value, dict):
        return any("\x00" in k or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return isinstance(value, str) and "\x00" in value


# Python's JSON reader recurses once a level, and stops at the recursion limit
# (~1,000 levels), far below jsonb's: a deeper document is a value it cannot
# check, refused like any other, not a traceback.
_TOO_DEEP = "JSON nested too deeply to be checked"


def jsonb_field(value) -> str:
    if value is None:
        return NULL
    try:
        text = jsonb_text(value if type(value) is str else text_of(value))
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    # JSON's own escapes leave no tab, newline or carriage return: only backslashes.
    return text.replace("\\", "\\\\") if "\\" in text else text


def json_field(value) -> str:
    """json (not jsonb) keeps the text as written: validated, sent as is."""
    if value is None:
        return NULL
    text = text_of(value)
    try:
        _JSON_DECODER.decode(text)
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    return copy_escape(text)


def bytea_field(value) -> str:
    if value is None:
        return NULL
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return "\\\\x" + data.hex()  # \x…, its backslash escaped for COPY


def uuid_field(value) -> str:
    if value is None:
        return NULL
    return str(UUID(text_of(value)))


# --- a batch's column at a time -------------------------------------------------------
# The import converts a batch column by column: where a column's values are all
# of the usual kind, C does the work (str over ints, one scan of the joined
# text for the characters that need escapes); otherwise each value goes
# through its field function.  Both give the same text.

_NONE = type(None)


def column_for(column_type):
    """A function from a batch's column (a tuple of SQLite values) to its
    COPY fields, equal to mapping `field_for(column_type)` over it."""
    field = field_for(column_type)
    base = column_type.base
    if column_type.kind == "builtin" and not column_type.array and base in _INTEGER_RANGES:
        return _integer_column(field, _INTEGER_RANGES[base])
    if field is text_field:
        return _text_column
    if field is boolean_field:
        return _boolean_column
    return lambda values: list(map(field, values))


def _integer_column(field, bits: int):
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def column(values) -> list:
        if set(map(type, values)) == {int} and low <= min(values) and max(values) <= high:
            return list(map(str, values))
        return list(map(field, values))

    return column


def _text_column(values) -> list:
    kinds = set(map(type, values))
    if kinds <= {str, _NONE}:
        joined = "".join(filter(None, values))
        if not any(c in joined for c in "\x00\\\t\n\r"):
            return [NULL if v is None else v for v in values] if _NONE in kinds else list(values)
    return list(map(text_field, values))


_BOOLEAN_TEXT = {0: "f", 1: "t"}


def _boolean_column(values) -> list:
    if set(values) <= _BOOLEAN_TEXT.keys() and set(map(type, values)) == {int}:
        return list(map(_BOOLEAN_TEXT.__getitem__, values))
    return list(map(boolean_field, values))


def batch_converter(column_types: list):
    """A function from a batch of rows to each column's COPY fields.

    DateTime and Json values are the costly ones, and they repeat: a row's
    createdAt and lastUpdatedAt are often the same instant, metadata is often
    the same document.  Their columns, grouped by type, convert each distinct
    value of a batch once, unless nearly all are distinct."""
    columns = [column_for(t) for t in column_types]
    groups: dict = {}
    for i, column_type in enumerate(column_types):
        field = field_for(column_type)
        if field is jsonb_field or column_type.base in _TIMESTAMPS:
            groups.setdefault(field, []).append(i)
    plain = [i for i in range(len(columns)) if not any(i in g for g in groups.values())]

    def convert(batch: list) -> list:
        values = list(zip(*batch, strict=True))
        out: list = [None] * len(columns)
        for i in plain:
            out[i] = columns[i](values[i])
        for field, indexes in groups.items():
            group = [values[i] for i in indexes]
            distinct = set(chain.from_iterable(group))
            if len(distinct) * 4 > sum(map(len, group)) * 3:  # few repeats
                for i, column in zip(indexes, group, strict=True):
                    out[i] = list(map(field, column))
            else:
                table = dict(zip(distinct, map(field, distinct), strict=True))
                for i, column in zip(indexes, group, strict=True):
                    out[i] = list(map(table.__getitem__, column))
        return out

    return convert


# --- the digest ------------------------------------------------------------------------


def row_digest_sql(columns: list[tuple[str, bool, bool]], server_version: int) -> str:
    """A SELECT list of (rows, digest) over a table's stored rows: the sum of
    the first 8 bytes of each row's COPY line's SHA-256, as a signed integer.
    `columns` are (quoted name, is text, needs escapes).  A value's text is its
    type's output function's, as COPY TO prints it (concat() calls it: a cast
    to text may differ, as boolean's 'true' for 't' or inet's '/32').  See
    `import_sqlite.digest_sum` for Python's side.  PostgreSQL 18 casts the
    8 bytes to bigint itself; before, through their hex (a tenth of the
    digest's time)."""
    fields = []
    for name, is_text, escaped in columns:
        text = name if is_text else f"concat({name})"
        if escaped:
            text = (
                f"replace(replace(replace(replace({text}, E'\\\\', E'\\\\\\\\'), "
                f"E'\\t', E'\\\\t'), E'\\n', E'\\\\n'), E'\\r', E'\\\\r')"
            )
        fields.append(f"CASE WHEN {name} IS NULL THEN E'\\\\N' ELSE {text} END")
    line = f"concat_ws(E'\\t', {', '.join(fields)})"
    digest = f"substr(sha256(convert_to({line}, 'UTF8')), 1, 8)"
    if server_version >= 180000:
        number = f"{digest}::bigint"
    else:
        number = f"('x' || encode({digest}, 'hex'))::bit(64)::bigint"
    return f"count(*), coalesce(sum({number}), 0)"

"""Where the states and actions of the workflow table go: boxes on a grid, orthogonal arrows, labels.

No layout tool. The states sit on a grid (`PLACES`: the procedure's order down the page, optional
branches to the right, side exits to the left, the summary procedure in its own lane); a state the grid
does not name still gets a column of its own, so a new state shows up before anyone places it. Each arrow
is the cheapest of a few orthogonal routes (straight, L, Z through the gaps between rows or columns):
running through a box costs most, then running along another arrow, crossing one, bends and length.
Labels go where they cover no box, label or other arrow. Actions that leave the state as it is are listed
inside their state's box; those allowed in many states get a letter instead. So do the actions that lead
from many states to one (ending a case, sending it on): a letter in each state they leave, and one arrow into
the state they reach from a tag with that letter above it, instead of an arrow from every state.

The layout depends only on the table and the language, so it is computed once per language.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from zhifa.cases.workflow import ACTIONS, FINAL, STATE_LABELS, Action, State

# Where each state of the real table sits: (row, column). Column 1 is the main line of the ordinary
# procedure; 2 its optional branches (legal review, collective discussion, hearing, the court); 0 the
# ways a case ends early or leaves the agency (sent to another agency or to the judicial organs); 3 the summary
# procedure (行政处罚法 第五十一条).
PLACES: dict[str, tuple[int, int]] = {
    State.NOT_FILED: (0, 0),
    State.LEAD: (0, 1),
    State.SUMMARY_DECIDED: (0, 3),
    State.FILED: (1, 1),
    State.INVESTIGATING: (2, 1),
    State.TERMINATED: (3, 0),
    State.REPORTED: (3, 1),
    State.LEGAL_REVIEW: (3, 2),
    State.APPROVING: (4, 1),
    State.NO_PENALTY: (5, 0),
    State.HANDED_OVER: (7, 0),
    State.JUDICIARY: (9, 0),
    State.PROSECUTED: (10, 0),
    State.CRIMINAL_ENDED: (11, 0),
    State.COLLECTIVE: (5, 2),
    State.APPROVED: (6, 1),
    State.NOTIFIED: (7, 1),
    State.HEARING_REQUESTED: (7, 2),
    State.HEARING_SCHEDULED: (8, 2),
    State.HEARD: (9, 2),
    State.DECIDED: (10, 1),
    State.EXECUTING: (11, 1),
    State.COURT: (11, 2),
    State.CLOSED: (12, 1),
    State.ARCHIVED: (13, 1),
}

# An action that keeps the state and is allowed in more states than this gets a letter, not a line per box;
# so does one that leads to another state from more states than this, with one arrow from a tag.
SHARED_FROM = 3
TAG_W, TAG_H, TAG_STEP = 16.0, 15.0, 20.0
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

BOX_W = 184
COL_GAP = 108
ROW_GAP = 46
MARGIN = 16
START_GAP = 54
TITLE_SIZE = 13.5
SMALL_SIZE = 11.5
LABEL_SIZE = 12
LABEL_WIDTH = 110  # a label wider than this wraps (9 Chinese characters)
PORT_SHIFT = {"top": 34.0, "bottom": 34.0, "left": 12.0, "right": 12.0}
SIDES = ("bottom", "top", "right", "left")
OUTWARD = {"bottom": (0, 1), "top": (0, -1), "right": (1, 0), "left": (-1, 0)}
HIT = 10_000.0  # the cost of running through a box, or of a label on a box or another label

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def port(self, side: str, shift: float = 0) -> Point:
        return {
            "top": (self.cx + shift, self.y),
            "bottom": (self.cx + shift, self.y + self.h),
            "left": (self.x, self.cy + shift),
            "right": (self.x + self.w, self.cy + shift),
        }[side]

    def hits(self, a: Point, b: Point, margin: float = 0) -> bool:
        """Whether the axis-parallel segment a–b passes through this rectangle grown by `margin`."""
        x1, x2 = sorted((a[0], b[0]))
        y1, y2 = sorted((a[1], b[1]))
        return (
            x2 > self.x - margin
            and x1 < self.x + self.w + margin
            and y2 > self.y - margin
            and y1 < self.y + self.h + margin
        )

    def overlaps(self, other: Rect, margin: float = 0) -> bool:
        return (
            self.x - margin < other.x + other.w
            and other.x < self.x + self.w + margin
            and self.y - margin < other.y + other.h
            and other.y < self.y + self.h + margin
        )


@dataclass(frozen=True)
class Node:
    state: str
    rect: Rect
    title: tuple[str, ...]
    stays: tuple[tuple[str, tuple[str, ...]], ...]  # actions that keep the state: (name, wrapped label)
    tags: tuple[str, ...]  # shared actions allowed here, by name
    final: bool


@dataclass(frozen=True)
class Edge:
    action: str
    source: str | None  # None: the action opens a case, or leads from many states (`sources`)
    target: str
    points: tuple[Point, ...]
    label: tuple[str, ...]
    label_box: Rect  # for an arrow from many states: the tag with its letter, where the arrow starts
    sources: tuple[str, ...] = ()  # the many states an arrow drawn from a tag leaves


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    starts: tuple[Point, ...]
    shared: tuple[tuple[str, str, str], ...]  # (letter, action name, label)


# The table reduced to plain strings, so a layout can be cached per language.
ActionKey = tuple[str, str, tuple[str | None, ...], str | None]


def text_width(text: str, size: float) -> float:
    """An estimate: Chinese characters and full-width punctuation are square, Latin ones about half."""
    return sum(size if ord(char) > 0x2E7F else size * 0.56 for char in text)


def wrap(text: str, size: float, width: float) -> tuple[str, ...]:
    """Break `text` into lines no wider than `width`: at spaces when it has them, else between characters,
    into lines of even length (not nine characters and then one)."""
    if " " not in text and text_width(text, size) > width:
        count = math.ceil(text_width(text, size) / width)
        per = math.ceil(len(text) / count)
        return tuple(text[i : i + per] for i in range(0, len(text), per))
    if " " in text:
        width *= 1.4  # Latin labels: fewer, longer lines
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line}{joiner}{word}" if line else word
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return tuple(lines) or ("",)


def _simplify(points: Sequence[Point]) -> list[Point]:
    """Drop repeated points and the middle of three points on one line."""
    out: list[Point] = []
    for point in points:
        if out and abs(out[-1][0] - point[0]) < 0.01 and abs(out[-1][1] - point[1]) < 0.01:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (abs(ax - bx) < 0.01 and abs(bx - point[0]) < 0.01) or (
                abs(ay - by) < 0.01 and abs(by - point[1]) < 0.01
            ):
                out[-1] = point
                continue
        out.append(point)
    return out


def _heads(points: Sequence[Point], direction: tuple[int, int], stub: float = 10) -> bool:
    """Whether the segment from points[0] to points[1] runs `direction` for at least `stub`."""
    dx, dy = points[1][0] - points[0][0], points[1][1] - points[0][1]
    return dx * direction[0] + dy * direction[1] >= stub and (dx * direction[1] == 0 and dy * direction[0] == 0)


def _candidates(source: Rect, target: Rect, rows: list[float], cols: list[float], shift: bool) -> Iterator[list[Point]]:
    shifts = (0.0, -1.0, 1.0) if shift else (0.0,)
    for exit_side in SIDES:
        for entry_side in SIDES:
            for s_shift in shifts:
                for t_shift in shifts:
                    p = source.port(exit_side, s_shift * PORT_SHIFT[exit_side])
                    q = target.port(entry_side, t_shift * PORT_SHIFT[entry_side])
                    vertical_exit = exit_side in ("top", "bottom")
                    vertical_entry = entry_side in ("top", "bottom")
                    routes: list[list[Point]] = []
                    if vertical_exit and vertical_entry:
                        routes.append([p, q])
                        routes += [[p, (p[0], y), (q[0], y), q] for y in rows]
                    elif not vertical_exit and not vertical_entry:
                        routes.append([p, q])
                        routes += [[p, (x, p[1]), (x, q[1]), q] for x in cols]
                    elif vertical_exit:
                        routes.append([p, (p[0], q[1]), q])
                    else:
                        routes.append([p, (q[0], p[1]), q])
                    inward = OUTWARD[entry_side]
                    for route in routes:
                        points = _simplify(route)
                        if len(points) < 2 or not all(
                            abs(a[0] - b[0]) < 0.01 or abs(a[1] - b[1]) < 0.01 for a, b in itertools.pairwise(points)
                        ):
                            continue
                        if _heads(points, OUTWARD[exit_side]) and _heads(points[::-1], (inward[0], inward[1])):
                            yield points


def _segments(points: Sequence[Point]) -> list[tuple[Point, Point]]:
    return list(itertools.pairwise(points))


def _cost(
    points: list[Point],
    action: str,
    ends: tuple[str, str],
    boxes: Mapping[str, Rect],
    placed: list[tuple[Point, Point, str]],
    shifted: bool,
) -> float:
    segments = _segments(points)
    cost = 22.0 * (len(segments) - 1) + (4.0 if shifted else 0.0)
    for i, (a, b) in enumerate(segments):
        cost += 0.04 * (abs(a[0] - b[0]) + abs(a[1] - b[1]))
        for name, box in boxes.items():
            if (i == 0 and name == ends[0]) or (i == len(segments) - 1 and name == ends[1]):
                continue
            if box.hits(a, b, margin=5):
                cost += HIT
        vertical = abs(a[0] - b[0]) < 0.01
        for c, d, other in placed:
            other_vertical = abs(c[0] - d[0]) < 0.01
            if vertical == other_vertical:
                # Running along another arrow: free when both are the same action (they merge), else dear.
                axis, span = (0, 1) if vertical else (1, 0)
                if abs(a[axis] - c[axis]) < 8:
                    lo = max(min(a[span], b[span]), min(c[span], d[span]))
                    hi = min(max(a[span], b[span]), max(c[span], d[span]))
                    if hi - lo > 0.5 and other != action:
                        cost += 600 + 4 * (hi - lo)
            else:
                h1, h2 = ((c, d), (a, b)) if vertical else ((a, b), (c, d))
                hx1, hx2 = sorted((h1[0][0], h1[1][0]))
                vy1, vy2 = sorted((h2[0][1], h2[1][1]))
                vx, hy = h2[0][0], h1[0][1]
                if hx1 + 0.5 < vx < hx2 - 0.5 and vy1 + 0.5 < hy < vy2 - 0.5:
                    cost += 70
    return cost


def _route(
    action: str,
    ends: tuple[str, str],
    boxes: Mapping[str, Rect],
    placed: list[tuple[Point, Point, str]],
    rows: list[float],
    cols: list[float],
) -> list[Point]:
    source, target = boxes[ends[0]], boxes[ends[1]]
    best: tuple[float, list[Point]] | None = None
    for shift in (False, True):
        for points in _candidates(source, target, rows, cols, shift):
            shifted = not (
                points[0] in {source.port(side) for side in SIDES}
                and points[-1] in {target.port(side) for side in SIDES}
            )
            cost = _cost(points, action, ends, boxes, placed, shifted)
            if best is None or cost < best[0]:
                best = (cost, points)
        if best is not None and best[0] < 300:
            break
    assert best is not None  # a straight or Z route always exists between two boxes
    return best[1]


def _place_label(
    points: Sequence[Point],
    lines: tuple[str, ...],
    boxes: Mapping[str, Rect],
    labels: list[Rect],
    others: list[tuple[Point, Point]],
) -> Rect:
    width = max(text_width(line, LABEL_SIZE) for line in lines) + 4
    height = 15.0 * len(lines)
    best: tuple[float, Rect] | None = None
    for index, (a, b) in enumerate(_segments(points)):
        length = abs(a[0] - b[0]) + abs(a[1] - b[1])
        vertical = abs(a[0] - b[0]) < 0.01
        for where in (0.5, 0.35, 0.65, 0.2, 0.8):
            x, y = a[0] + (b[0] - a[0]) * where, a[1] + (b[1] - a[1]) * where
            if vertical:
                spots = [
                    (Rect(x + 5, y - height / 2, width, height), 0.0),
                    (Rect(x - 5 - width, y - height / 2, width, height), 6.0),
                ]
                room = length - height
            else:
                spots = [
                    (Rect(x - width / 2, y - 3 - height, width, height), 0.0),
                    (Rect(x - width / 2, y + 3, width, height), 6.0),
                ]
                room = length - width
            for rect, preference in spots:
                cost = preference + 30 * abs(where - 0.5) + 2 * index + (40 if room < 16 else 0)
                if rect.x < 2 or rect.y < 2:
                    cost += HIT
                cost += sum(HIT for box in boxes.values() if box.overlaps(rect, margin=3))
                cost += sum(HIT for other in labels if other.overlaps(rect, margin=3))
                cost += sum(250 for c, d in others if rect.hits(c, d))
                if best is None or cost < best[0]:
                    best = (cost, rect)
    assert best is not None
    return best[1]


@lru_cache(maxsize=8)
def _layout(
    actions: tuple[ActionKey, ...],
    labels: tuple[tuple[str, str], ...],
    places: tuple[tuple[str, int, int], ...],
    final: frozenset[str],
) -> Layout:
    grid = {state: (row, col) for state, row, col in places}
    states = [state for state, _label in labels]
    label_of = dict(labels)
    # States the grid does not name get a column of their own, below the states that lead to them.
    spare = max((col for _row, col in grid.values()), default=-1) + 1
    for state in states:
        if state not in grid:
            rows_before = [
                grid[s][0] for _n, _l, sources, target in actions if target == state for s in sources if s in grid
            ]
            row = max(rows_before, default=-1) + 1
            while (row, spare) in grid.values():
                row += 1
            grid[state] = (row, spare)

    stays = {
        state: [
            (name, label)
            for name, label, sources, target in actions
            if target is None and state in sources and len(sources) <= SHARED_FROM
        ]
        for state in states
    }
    exits: dict[str, tuple[str, tuple[str, ...], str]] = {
        name: (label, tuple(s for s in sources if s is not None), target)
        for name, label, sources, target in actions
        if target is not None and None not in sources and len(sources) > SHARED_FROM
    }
    shared = [
        (name, f"{label} → {label_of.get(exits[name][2], exits[name][2])}" if name in exits else label, sources)
        for name, label, sources, target in actions
        if (target is None or name in exits) and len(sources) > SHARED_FROM
    ]
    letters = tuple((LETTERS[i % len(LETTERS)], name, label) for i, (name, label, _sources) in enumerate(shared))
    letter_of = {name: letter for letter, name, _label in letters}
    tags = {state: tuple(name for name, _label, sources in shared if state in sources) for state in states}
    per_row = int((BOX_W - 16) // TAG_STEP)

    inner = BOX_W - 14
    contents: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...], float]] = {}
    for state in states:
        title = wrap(label_of[state], TITLE_SIZE, inner)
        listed = tuple((name, wrap(label, SMALL_SIZE, inner - 14)) for name, label in stays[state])
        tall = 16.0 + 18 * len(title)
        if listed:
            tall += 4 + 15 * sum(len(lines) for _name, lines in listed)
        if tags[state]:
            tall += TAG_STEP * math.ceil(len(tags[state]) / per_row)
        contents[state] = (title, listed, max(tall, 40.0))

    n_rows = max(row for row, _col in grid.values()) + 1
    n_cols = max(col for _row, col in grid.values()) + 1
    opens_row_0 = any(
        None in sources and target is not None and grid[target][0] == 0 for _n, _l, sources, target in actions
    )
    row_h = [max((contents[s][2] for s in states if grid[s][0] == r), default=24.0) for r in range(n_rows)]
    row_top = [MARGIN + (START_GAP if opens_row_0 else 0.0)]
    for r in range(1, n_rows):
        row_top.append(row_top[-1] + row_h[r - 1] + ROW_GAP)
    col_x = [MARGIN + c * (BOX_W + COL_GAP) for c in range(n_cols)]

    nodes = []
    boxes: dict[str, Rect] = {}
    for state in states:
        row, col = grid[state]
        title, listed, height = contents[state]
        rect = Rect(col_x[col], row_top[row] + (row_h[row] - height) / 2, BOX_W, height)
        boxes[state] = rect
        nodes.append(Node(state, rect, title, listed, tags[state], state in final))

    # An action that opens a case starts from a dot above the state it creates.
    starts: dict[str, Rect] = {}
    for _name, _label, sources, target in actions:
        if None in sources and target is not None and target not in starts:
            box = boxes[target]
            starts[target] = Rect(box.cx - 6, box.y - START_GAP + 4, 12, 12)
    # An action from many states starts from a tag above the state it leads to (side by side when several do).
    hubs: dict[str, Rect] = {}
    for name, (_label, _sources, target) in exits.items():
        box = boxes[target]
        before = sum(1 for other in hubs if exits[other][2] == target)
        hubs[name] = Rect(box.cx - TAG_W / 2 + before * (TAG_W + 8), box.y - TAG_H - 14, TAG_W, TAG_H)
    obstacles = {
        **boxes,
        **{f"start:{state}": rect for state, rect in starts.items()},
        **{f"hub:{name}": rect for name, rect in hubs.items()},
    }

    # Channels: the middles of the gaps between rows and between columns, and a lane either side of them.
    gaps_y = [row_top[r] + row_h[r] + ROW_GAP / 2 for r in range(n_rows)] + [row_top[0] - ROW_GAP / 2]
    gaps_x = [x + BOX_W + COL_GAP / 2 for x in col_x] + [col_x[0] - 26]
    rows = [y + d for y in gaps_y for d in (0, -11, 11)]
    cols = [x + d for x in gaps_x for d in (0, -14, 14)]

    wanted: list[tuple[bool, float, str, str, str | None, str, str]] = []
    for name, label, sources, target in actions:
        if target is None:
            continue
        if name in exits:
            wanted.append((False, 0.0, name, label, None, f"hub:{name}", target))
            continue
        for source in sources:
            begin = f"start:{target}" if source is None else source
            a, b = obstacles[begin], boxes[target]
            straight = abs(a.cx - b.cx) < 1 or abs(a.cy - b.cy) < 1
            wanted.append((not straight, abs(a.cx - b.cx) + abs(a.cy - b.cy), name, label, source, begin, target))
    wanted.sort(key=lambda w: (w[0], w[1]))

    placed: list[tuple[Point, Point, str]] = []
    routes = []
    for _straight, _distance, name, label, source, begin, target in wanted:
        points = _route(name, (begin, target), obstacles, placed, rows, cols)
        placed += [(a, b, name) for a, b in _segments(points)]
        routes.append((name, label, source, target, points))

    label_rects: list[Rect] = []
    edges = []
    # Labels of long arrows first: they have the most room to choose from.
    order = sorted(routes, key=lambda r: -sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in _segments(r[4])))
    for name, label, source, target, points in order:
        if name in exits:  # its tag, already placed, names it
            edges.append(Edge(name, None, target, tuple(points), (letter_of[name],), hubs[name], exits[name][1]))
            continue
        lines = wrap(label, LABEL_SIZE, LABEL_WIDTH)
        others = [(a, b) for a, b, other in placed if other != name]
        rect = _place_label(points, lines, obstacles, label_rects, others)
        label_rects.append(rect)
        edges.append(Edge(name, source, target, tuple(points), lines, rect))
    edges.sort(key=lambda edge: [a[0] for a in actions].index(edge.action))

    # Routes and labels may stray into the margin: move everything so that the drawing starts at MARGIN.
    rects = [*boxes.values(), *label_rects, *starts.values(), *hubs.values()]
    xs = [x for r in rects for x in (r.x, r.x + r.w)] + [p[0] for a, b, _n in placed for p in (a, b)]
    ys = [y for r in rects for y in (r.y, r.y + r.h)] + [p[1] for a, b, _n in placed for p in (a, b)]
    dx, dy = MARGIN - min(xs), MARGIN - min(ys)

    def moved(rect: Rect) -> Rect:
        return Rect(rect.x + dx, rect.y + dy, rect.w, rect.h)

    return Layout(
        width=max(xs) + dx + MARGIN,
        height=max(ys) + dy + MARGIN,
        nodes=tuple(Node(n.state, moved(n.rect), n.title, n.stays, n.tags, n.final) for n in nodes),
        edges=tuple(
            Edge(
                e.action,
                e.source,
                e.target,
                tuple((x + dx, y + dy) for x, y in e.points),
                e.label,
                moved(e.label_box),
                e.sources,
            )
            for e in edges
        ),
        starts=tuple((rect.cx + dx, rect.cy + dy) for rect in starts.values()),
        shared=letters,
    )


def layout(
    table: Sequence[Action] | None = None,
    labels: Mapping[State, object] | None = None,
    places: Mapping[str, tuple[int, int]] | None = None,
    final: Collection[str] | None = None,
) -> Layout:
    """Where every state and action of `table` (by default the workflow's) goes, in the current language."""
    table = list(ACTIONS.values()) if table is None else table
    labels = STATE_LABELS if labels is None else labels
    places = PLACES if places is None else places
    final = FINAL if final is None else final
    return _layout(
        tuple(
            (a.name, str(a.label), tuple(None if s is None else str(s) for s in a.sources), a.target and str(a.target))
            for a in table
        ),
        tuple((str(state), str(label)) for state, label in labels.items()),
        tuple(sorted((str(state), row, col) for state, (row, col) in places.items() if state in labels)),
        frozenset(str(state) for state in final),
    )

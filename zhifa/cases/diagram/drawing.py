"""The workflow table drawn as SVG for one case (its state, the actions done and open now), and as text.

The layout (diagram/geometry.py) is the same for every case; this lays the case's marks over it. Every text
is escaped, so a label can hold any character.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

from zhifa.cases.diagram.geometry import LABEL_SIZE, MARGIN, SMALL_SIZE, Edge, layout, text_width
from zhifa.cases.workflow import ACTIONS, STATE_LABELS, Action, State


def _text(x: float, y: float, text: str, css: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">{escape(text)}</text>'


def workflow_svg(
    current: str | None = None,
    done: Collection[str] = (),
    open_now: Collection[str] = (),
    *,
    table: Sequence[Action] | None = None,
    labels: Mapping[State, object] | None = None,
    places: Mapping[str, tuple[int, int]] | None = None,
    final: Collection[str] | None = None,
    id_prefix: str = "wf",
) -> str:
    """The table as SVG markup, with `current` highlighted, the actions in `done` marked as taken and those
    in `open_now` (from the current state) as open. Every text is escaped."""
    drawing = layout(table, labels, places, final)
    action_label = {action.name: str(action.label) for action in (ACTIONS.values() if table is None else table)}
    label_of = {str(state): str(label) for state, label in (STATE_LABELS if labels is None else labels).items()}
    done, open_now = set(done), set(open_now)
    visited = {edge.target for edge in drawing.edges if edge.action in done}
    if current is not None:
        visited.add(str(current))
    possible = {edge.action for edge in drawing.edges if edge.source == current or current in edge.sources}
    possible |= {name for node in drawing.nodes if node.state == current for name, _lines in node.stays}
    possible |= {name for node in drawing.nodes if node.state == current for name in node.tags}

    def edge_class(edge: Edge) -> str:
        if edge.sources:  # from many states, through a tag
            if current in edge.sources:
                return "open" if edge.action in open_now else "possible"
            return "done" if edge.action in done else "idle"
        if edge.source == current and current is not None:
            return "open" if edge.action in open_now else "possible"
        if edge.action in done and (edge.source is None or edge.source in visited):
            return "done"
        return "idle"

    def mark(name: str) -> str:
        if name in possible:
            return "open" if name in open_now else "possible"
        return "done" if name in done else "idle"

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    desc = _("共 %(states)d 个状态、%(actions)d 项办案事项。") % {
        "states": len(drawing.nodes),
        "actions": len({edge.action for edge in drawing.edges})
        + len(
            {name for node in drawing.nodes for name, _lines in node.stays} | {name for _l, name, _t in drawing.shared}
        ),
    }
    if current is not None and current in label_of:
        desc = _("当前状态：%(state)s。") % {"state": label_of[current]} + desc
    legend_top = drawing.height
    legend_lines = [(letter, label) for letter, _name, label in drawing.shared]
    height = legend_top + 34 + (20 + 18 * len(legend_lines) if legend_lines else 0) + MARGIN
    width = max(drawing.width, 760.0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-size="{LABEL_SIZE}">',
        f'<title id="{title_id}">{escape(_("办案流程图"))}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
        "<defs>",
    ]
    for kind in ("idle", "done", "open", "possible"):
        out.append(
            f'<marker id="{id_prefix}-arrow-{kind}" class="wf-head {kind}" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto">'
            '<path d="M0,1 L10,5 L0,9 z"/></marker>'
        )
    out.append("</defs>")

    # Arrows, the marked ones last so that they are drawn over the others.
    rank = {"idle": 0, "possible": 1, "done": 2, "open": 3}
    for edge in sorted(drawing.edges, key=lambda e: rank[edge_class(e)]):
        kind = edge_class(edge)
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(edge.points))
        source = label_of.get(edge.source, "") if edge.source else _("新案件")
        if edge.sources:
            source = _("标有 %(letter)s 的状态") % {"letter": edge.label[0]}
        hint = f"{action_label[edge.action]}：{source} → {label_of.get(edge.target, edge.target)}"
        out.append(
            f'<g class="wf-edge {kind}" data-action="{escape(edge.action)}"><title>{escape(hint)}</title>'
            f'<path d="{path}" fill="none" marker-end="url(#{id_prefix}-arrow-{kind})"/></g>'
        )
    for x, y in drawing.starts:
        out.append(f'<circle class="wf-start" cx="{x:.1f}" cy="{y:.1f}" r="6"/>')

    for node in drawing.nodes:
        r = node.rect
        css = "current" if node.state == current else "visited" if node.state in visited else "idle"
        final_css = " final" if node.final else ""
        current_attr = ' aria-current="step"' if css == "current" else ""
        out.append(f'<g class="wf-state {css}{final_css}" data-state="{escape(node.state)}"{current_attr}>')
        out.append(f'<rect x="{r.x:.1f}" y="{r.y:.1f}" width="{r.w:.0f}" height="{r.h:.1f}" rx="7"/>')
        if node.final:
            out.append(
                f'<rect class="wf-inner" x="{r.x + 3:.1f}" y="{r.y + 3:.1f}" width="{r.w - 6:.0f}" '
                f'height="{r.h - 6:.1f}" rx="5" fill="none"/>'
            )
        y = r.y + 8
        for line in node.title:
            y += 18
            out.append(_text(r.cx, y - 5, line, "wf-name", "middle"))
        if node.stays:
            y += 4
        for name, lines in node.stays:
            state_mark = mark(name) if node.state == current else "done" if name in done else "idle"
            glyph = {"done": "✓", "open": "▸", "possible": "▹"}.get(state_mark, "↻")
            out.append(
                f'<g class="wf-stay {state_mark}" data-action="{escape(name)}">'
                f"<title>{escape(action_label[name])}</title>"
            )
            for i, line in enumerate(lines):
                y += 15
                if i == 0:
                    out.append(_text(r.x + 8, y - 3, glyph, "wf-small"))
                out.append(_text(r.x + 22, y - 3, line, "wf-small"))
            out.append("</g>")
        if node.tags:
            tag_x = r.x + 8
            for letter, name, _label in drawing.shared:
                if name in node.tags:
                    if tag_x + 16 > r.x + r.w - 8:  # the row is full: the next one below
                        tag_x, y = r.x + 8, y + 20
                    tag_mark = mark(name) if node.state == current else "done" if name in done else "idle"
                    out.append(
                        f'<g class="wf-tag {tag_mark}" data-action="{escape(name)}">'
                        f"<title>{escape(f'{letter}：{action_label[name]}')}</title>"
                        f'<rect x="{tag_x:.1f}" y="{y + 5:.1f}" width="16" height="15" rx="3"/>'
                        f"{_text(tag_x + 8, y + 16.5, letter, 'wf-letter', 'middle')}</g>"
                    )
                    tag_x += 20
        out.append("</g>")

    for edge in drawing.edges:
        box = edge.label_box
        if edge.sources:  # the tag the arrow from many states starts from
            letter = edge.label[0]
            out.append(
                f'<g class="wf-tag wf-hub {edge_class(edge)}" data-action="{escape(edge.action)}">'
                f"<title>{escape(f'{letter}：{action_label[edge.action]}')}</title>"
                f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.0f}" height="{box.h:.0f}" rx="3"/>'
                f"{_text(box.cx, box.y + 11.5, letter, 'wf-letter', 'middle')}</g>"
            )
            continue
        texts = "".join(
            _text(box.x + 2, box.y + 12 + 15 * i, line, f"wf-label {edge_class(edge)}")
            for i, line in enumerate(edge.label)
        )
        out.append(f'<g class="wf-label-group" data-action="{escape(edge.action)}">{texts}</g>')

    # The legend.
    y = legend_top + 14
    x = MARGIN
    keys = [
        ("current", _("当前状态")),
        ("visited", _("已经过的状态")),
        ("done", _("已办理")),
        ("open", _("现可办理")),
        ("possible", _("本状态下的其他事项")),
        ("final", _("办结状态")),
    ]
    out.append('<g class="wf-legend">')
    for kind, text in keys:
        if kind in ("current", "visited", "final"):
            inner = (
                f'<rect class="wf-inner" x="{x + 2:.1f}" y="{y - 8:.1f}" width="18" height="10" rx="2" fill="none"/>'
                if kind == "final"
                else ""
            )
            out.append(
                f'<g class="wf-state {kind}"><rect x="{x:.1f}" y="{y - 10:.1f}" width="22" height="14" rx="3"/>'
                f"{inner}</g>"
            )
        else:
            out.append(
                f'<g class="wf-edge {kind}"><path d="M{x:.1f},{y - 3:.1f} L{x + 22:.1f},{y - 3:.1f}" fill="none" '
                f'marker-end="url(#{id_prefix}-arrow-{kind})"/></g>'
            )
        out.append(_text(x + 28, y + 1, text, "wf-small"))
        x += 40 + text_width(text, SMALL_SIZE)
    out.append(_text(x, y + 1, _("↻ 办理后状态不变的事项"), "wf-small"))
    if legend_lines:
        y += 26
        out.append(
            _text(MARGIN, y, _("以下事项在标有其字母的各状态下均可办理（带箭头的，办理后进入所指状态）："), "wf-small")
        )
        for letter, label in legend_lines:
            y += 18
            out.append(
                f'<g class="wf-tag idle"><rect x="{MARGIN:.1f}" y="{y - 11:.1f}" width="16" height="15" rx="3"/>'
                f"{_text(MARGIN + 8, y + 0.5, letter, 'wf-letter', 'middle')}</g>"
            )
            out.append(_text(MARGIN + 24, y, label, "wf-small"))
    out.append("</g></svg>")
    return "".join(out)


@dataclass(frozen=True)
class OutlineStep:
    name: str
    label: str
    target: str  # the label of the state it leads to; "" when the case stays where it is
    status: str  # "done", "open", "possible" or ""


@dataclass(frozen=True)
class OutlineState:
    state: str
    label: str
    current: bool
    steps: tuple[OutlineStep, ...]


def workflow_outline(
    current: str | None = None,
    done: Collection[str] = (),
    open_now: Collection[str] = (),
    *,
    table: Sequence[Action] | None = None,
    labels: Mapping[State, object] | None = None,
) -> list[OutlineState]:
    """The same table as text, for screen readers and narrow screens: each state with the actions from it."""
    table = list(ACTIONS.values()) if table is None else table
    labels = STATE_LABELS if labels is None else labels
    # As on the drawing: an action counts as taken from a state only if the case has been in that state.
    visited = {action.target for action in table if action.name in done and action.target is not None}
    found = []
    # The actions that open a case come first, under a heading of their own.
    for state, label in [(None, _("新案件")), *labels.items()]:
        steps = []
        for action in table:
            if state not in action.sources:
                continue
            if state is not None and state == current:
                status = "open" if action.name in open_now else "possible"
            else:
                status = "done" if action.name in done and (state is None or state in visited) else ""
            target = str(labels.get(action.target, action.target)) if action.target is not None else ""
            steps.append(OutlineStep(action.name, str(action.label), target, status))
        found.append(OutlineState(str(state or ""), str(label), state is not None and state == current, tuple(steps)))
    return found

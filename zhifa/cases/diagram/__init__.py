"""The workflow table (cases/workflow.py) drawn on the case page: every state a box, every action an arrow
or a line in its state's box, generated from the table so that the drawing cannot drift from it.

`layout` places the table (once per language); `workflow_svg` draws it for one case; `workflow_outline`
gives the same as text for screen readers.
"""

from zhifa.cases.diagram.drawing import OutlineState, OutlineStep, workflow_outline, workflow_svg
from zhifa.cases.diagram.geometry import PLACES, Layout, layout

__all__ = ["PLACES", "Layout", "OutlineState", "OutlineStep", "layout", "workflow_outline", "workflow_svg"]

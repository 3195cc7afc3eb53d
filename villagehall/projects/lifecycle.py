"""The steps of a community project and what it takes to reach each one.

idea → forming → seeking support → running → done, with paused and stopped along the
way. The criteria are shown on the project page in these words and checked by
`project_status_change`, so what people read is what the code does.
"""

from dataclasses import dataclass

from villagehall.projects.models import Project

Status = Project.Status

# The steps forward, in order; paused and stopped sit beside them.
PATH = [Status.IDEA, Status.FORMING, Status.SEEKING_SUPPORT, Status.RUNNING, Status.DONE]


@dataclass(frozen=True)
class ProjectFacts:
    """What the criteria look at, counted once for the page."""

    team_size: int
    has_purpose: bool
    needs: int
    needs_met_or_partly: int


@dataclass(frozen=True)
class Step:
    status: str
    meaning: str
    criteria: str  # what it takes to move to this step, to follow "To get here: "

    def met_by(self, facts: ProjectFacts) -> bool:
        """Return True if the project's facts meet this step's criteria."""
        return _CHECKS[self.status](facts)


STEPS = {
    Status.IDEA: Step(Status.IDEA, "Someone has shared an idea.", "anyone can start a project"),
    Status.FORMING: Step(
        Status.FORMING, "A team is coming together and working out the plan.",
        "at least two people in the team",
    ),
    Status.SEEKING_SUPPORT: Step(
        Status.SEEKING_SUPPORT, "The team knows what it needs and is asking for it.",
        "a purpose written down and at least one need listed",
    ),
    Status.RUNNING: Step(
        Status.RUNNING, "The project is happening.",
        "at least one need met or partly met",
    ),
    Status.DONE: Step(Status.DONE, "The project has finished.", "the team says what happened"),
    Status.PAUSED: Step(
        Status.PAUSED, "The project is on hold for now; it can pick up where it left off.",
        "any time before it is done, with a reason",
    ),
    Status.STOPPED: Step(
        Status.STOPPED, "The project has ended without finishing. It stays on record.",
        "any time, with a reason",
    ),
}

_CHECKS = {
    Status.IDEA: lambda f: True,
    Status.FORMING: lambda f: f.team_size >= 2,
    Status.SEEKING_SUPPORT: lambda f: f.has_purpose and f.needs >= 1,
    Status.RUNNING: lambda f: f.needs_met_or_partly >= 1,
    Status.DONE: lambda f: True,
    Status.PAUSED: lambda f: True,
    Status.STOPPED: lambda f: True,
}

# Where a project can go from each step. Going back a step needs no criteria.
_MOVES = {
    Status.IDEA: [Status.FORMING, Status.PAUSED, Status.STOPPED],
    Status.FORMING: [Status.SEEKING_SUPPORT, Status.IDEA, Status.PAUSED, Status.STOPPED],
    Status.SEEKING_SUPPORT: [Status.RUNNING, Status.FORMING, Status.PAUSED, Status.STOPPED],
    Status.RUNNING: [Status.DONE, Status.SEEKING_SUPPORT, Status.PAUSED, Status.STOPPED],
    Status.DONE: [],
    Status.STOPPED: [],
}


def moves_from(project) -> list[str]:
    """Return the steps the project may move to next."""
    if project.status == Status.PAUSED:
        return [project.paused_from or Status.IDEA, Status.STOPPED]
    return list(_MOVES[project.status])


def is_forward(from_status, to_status) -> bool:
    """Return True if the move goes forward along the path, where criteria apply."""
    return from_status in PATH and to_status in PATH and PATH.index(to_status) > PATH.index(from_status)


def unmet_criteria(project, to_status, facts: ProjectFacts) -> str | None:
    """Return the criteria the move does not meet, in words, or None if it may go ahead."""
    if project.status == Status.PAUSED or not is_forward(project.status, to_status):
        return None
    step = STEPS[to_status]
    return None if step.met_by(facts) else step.criteria


@dataclass(frozen=True)
class PathStep:
    step: Step
    reached: bool
    current: bool
    criteria_met: bool


def path_for(project, facts: ProjectFacts) -> list[PathStep]:
    """Return the path of steps for the page: which are behind, which is current, which criteria are met."""
    current = project.paused_from if project.status == Status.PAUSED else project.status
    position = PATH.index(current) if current in PATH else -1
    return [
        PathStep(
            step=STEPS[status], reached=index <= position, current=status == project.status,
            criteria_met=STEPS[status].met_by(facts),
        )
        for index, status in enumerate(PATH)
    ]

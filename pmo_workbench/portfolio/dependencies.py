"""Cross-project dependencies: cycles, dated links with slack, the longest chain, blast radius, waves, conflicts.

Projects are nodes and "A needs B" is the edge ``A -> B`` (``from_project`` ->
``to_project``), so a project's *successors* are its prerequisites and its
*ancestors* are the projects that need it, directly or through others.

Every measure is computed on the condensation of the graph (each strongly
connected component, i.e. each set of projects caught in a cycle, collapsed
into one node), which is always acyclic: a portfolio with a cycle still gets a
longest chain, blast radii and waves, and the cycle is reported as an error.

Links are dated, not summed: a link "A needs B" has B's forecast finish (its
planned finish without a forecast; at a status date, no earlier than that date
while B is open) against the date A needs it (the sheet's ``needed_by``, else
A's planned start); the slack is the days between, negative when B is due too
late. A link with negative slack is a *late link*, a conflict: one definition,
in :mod:`pmo_workbench.portfolio.links`, for every count of them. The *longest dependency chain* is the chain of
linked projects spanning the most calendar time, from the start of its first
prerequisite to the forecast finish of its last dependent, so projects that
overlap are not counted twice. (It is not Goldratt's critical chain, which
schedules resources and buffers inside a project.)
"""

from __future__ import annotations

from dataclasses import dataclass

import random

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from ..i18n import _
from .labels import status_word
from .links import CONFLICT_COLUMNS, LINK_COLUMNS, date_links, late_findings, late_rows, project_dates
from .model import CANDIDATES, Finding

EXACT_BETWEENNESS_MAX_NODES = 2000
"""Up to this many nodes betweenness is exact; above it, estimated from sampled sources."""

BETWEENNESS_SAMPLES = 500
"""Source nodes sampled (``seed=0``) for the betweenness estimate on big graphs."""

SETTLED_STATUSES = ("closed", "cancelled")
"""Project statuses that no longer hold anyone up: a closed project has delivered, a cancelled one never will.
Neither is a late prerequisite nor lies on the longest chain; needing a cancelled one is an error."""

PROJECT_COLUMNS = ["project_id", "name", "prerequisites", "dependents", "blast_radius", "betweenness", "wave",
                   "in_cycle"]
EDGE_COLUMNS = ["from_project", "to_project", "kind", "needed_by", "on_longest_chain", "in_cycle", "slack_days"]
GROUP_LINK_COLUMNS = ["from_group", "to_group", "links", "conflicts", "least_slack_days"]


@dataclass(frozen=True)
class DependencyAnalysis:
    """The dependency network of a portfolio, measured.

    Attributes
    ----------
    cycles
        One cycle per strongly connected component with more than one project,
        each starting at its smallest id and following "needs" edges; sorted.
    longest_chain
        The chain of prerequisites spanning the most calendar time, from the
        planned start of its first prerequisite to the forecast finish (else
        planned finish) of its last dependent, prerequisite first. Members
        of a cycle on the chain are listed together, by id. Closed and
        cancelled projects are not listed and end a chain (what they needed
        holds nobody up through them).
    longest_chain_days
        The chain's calendar span in days; ``None`` (and an empty chain)
        without a link between two open projects with dates.
    links
        One row per dependency between two open projects (neither closed nor
        cancelled), least slack first (:data:`LINK_COLUMNS`): ``needed_by``
        (the sheet's date, else the dependent's planned start),
        ``needed_by_source`` (``"needed_by"`` or ``"start"``),
        ``predecessor_finish`` (forecast, else planned finish; the status
        date when that has passed and the project is still open),
        ``finish_source`` (``"forecast"``, ``"planned"`` or
        ``"status_date"``) and ``slack_days`` = needed_by -
        predecessor_finish (negative: due too late; NaN without both dates).
    projects
        One row per project in a dependency: ``project_id``, ``name``,
        ``prerequisites`` (projects it needs directly), ``dependents``
        (projects that need it directly), ``blast_radius`` (projects that need
        it directly or transitively: what a slip can delay), ``betweenness``
        (normalised; how much of the network's shortest "needs" paths run
        through it), ``wave`` and ``in_cycle``. Sorted by dependents (the
        most depended-on first), then blast radius, largest first, then id.
    conflicts
        The late links: the rows of ``links`` with negative slack, with
        ``days_late`` = -slack_days in place of the slack
        (:data:`CONFLICT_COLUMNS`), latest first. Count them with
        :func:`pmo_workbench.portfolio.links.late_links`, which states the
        definition.
    waves
        ``project_id``, ``wave``: delivery waves, prerequisites first (wave 1
        needs nothing, wave k needs only projects of earlier waves; the members
        of a cycle share a wave). Sorted by wave then id.
    edges
        One row per dependency, for drawing: ``from_project``, ``to_project``,
        ``kind``, ``needed_by``, ``on_longest_chain``, ``in_cycle``,
        ``slack_days`` (as in ``links``; NaN for a link to or from a closed or
        cancelled project).
    findings
        ``dependency_cycle`` (error, one per cycle), ``needs_cancelled``
        (error, one per dependency of a proposed, active or on-hold project
        on a cancelled one) and ``dependency_conflict`` (warning, one per
        late link).
    as_of
        The status date the links were dated at, or ``None``.
    """

    cycles: tuple[tuple[str, ...], ...]
    longest_chain: tuple[str, ...]
    longest_chain_days: float | None
    links: pd.DataFrame
    projects: pd.DataFrame
    conflicts: pd.DataFrame
    waves: pd.DataFrame
    edges: pd.DataFrame
    findings: tuple[Finding, ...]
    as_of: pd.Timestamp | None = None


def analyse_dependencies(dependencies: pd.DataFrame, projects: pd.DataFrame, *,
                         as_of: pd.Timestamp | str | None = None) -> DependencyAnalysis:
    """Measure the portfolio's cross-project dependency network.

    Parameters
    ----------
    dependencies
        ``from_project`` (needs) ``to_project``, ``needed_by`` (date or NaT),
        ``kind``; optionally ``source_row`` (the ``dependencies`` sheet).
    projects
        ``project_id``, ``name``, ``status``, ``start``, ``finish`` and,
        optionally, ``forecast_finish``. Every project that appears in a
        dependency is a node, whatever its status (cancelled ones included),
        and counts in prerequisites, dependents, blast radius, betweenness
        and waves; closed and cancelled ones (:data:`SETTLED_STATUSES`) are
        left out of the longest chain, the links and the conflicts. Without a
        ``status`` column every project counts as open.
    as_of
        The status date: an open project whose expected finish has passed
        cannot finish before it, so it is expected on that date (in the
        links, the conflicts and the longest chain). ``None``: dates as given.

    Returns
    -------
    DependencyAnalysis

    Notes
    -----
    - **Cycles.** ``networkx.simple_cycles`` lists *every* elementary cycle,
      and a tangled component of a big portfolio can hold exponentially many,
      so it could run for hours. A cycle is broken by removing any one of its
      edges, and every project of a strongly connected component lies on some
      cycle, so one cycle per component (found with ``networkx.find_cycle``)
      tells the PMO what to untangle at linear cost; ``in_cycle`` marks every
      project of such a component.
    - **Longest chain.** On the condensation, prerequisites first: each
      component's earliest reachable start is the earliest of its own
      members' starts and its prerequisites' earliest reachable starts; the
      chain ends where the latest finish minus that start is largest. A
      component made only of closed or cancelled projects ends every chain
      that reaches it; a project without dates adds none. Ties go to the
      longer chain, then to the smallest ids.
    - **Blast radius.** Reachability bitsets (Python ints) propagated over the
      condensation in topological order: one pass over the edges instead of
      one ``networkx.ancestors`` search per project.
    - **Betweenness.** The numbers of ``networkx.betweenness_centrality``
      (normalised, directed): exact up to :data:`EXACT_BETWEENNESS_MAX_NODES`
      projects; above that ``betweenness_centrality(k=500, seed=0)``, an
      estimate from :data:`BETWEENNESS_SAMPLES` sampled source projects,
      because exact betweenness costs O(nodes x edges), minutes on 10,000
      projects. Both are computed by :func:`betweenness_centrality` below,
      which gives networkx's values (same sample, same scaling) with one
      sparse matrix product per search level instead of a Python loop per
      source: networkx itself needs about 5 s for the 500 sources on a
      10,000-project portfolio, this about 0.1 s.
    """
    edges = _edge_frame(dependencies)
    info = projects.drop_duplicates("project_id").set_index("project_id")

    nodes = sorted(set(edges["from_project"]) | set(edges["to_project"]))
    status = _status(info)
    settled = set(status.index[status.isin(SETTLED_STATUSES)]) & set(nodes)
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(zip(edges["from_project"], edges["to_project"]))
    condensed = nx.condensation(graph)
    component = condensed.graph["mapping"]                    # project -> component id
    members = {c: sorted(condensed.nodes[c]["members"]) for c in condensed}
    cyclic = {c for c, m in members.items() if len(m) > 1 or graph.has_edge(m[0], m[0])}

    cycles = _cycles(graph, [members[c] for c in cyclic])
    as_of = None if as_of is None else pd.Timestamp(as_of).normalize()
    start, finish, finish_source = project_dates(info, nodes, settled=settled, as_of=as_of)
    listed = {c: [p for p in m if p not in settled] for c, m in members.items()}
    chain_components, chain_days = _longest_chain(condensed, listed, start, finish)
    chain = tuple(p for c in chain_components for p in listed[c])
    if not chain:
        chain_days = None
    waves = _waves(condensed, members)
    table = _project_table(graph, condensed, members, cyclic, info, waves)

    position = {c: i for i, c in enumerate(chain_components)}
    src = edges["from_project"].map(component)
    dst = edges["to_project"].map(component)
    src_pos = src.map(position)
    dst_pos = dst.map(position)
    edges["in_cycle"] = (src == dst).to_numpy(dtype=bool) & src.isin(cyclic).to_numpy(dtype=bool)
    open_ends = ~edges["from_project"].isin(settled) & ~edges["to_project"].isin(settled)
    edges["on_longest_chain"] = (src_pos.notna() & dst_pos.notna() & ((src_pos == dst_pos + 1) | (src == dst))
                                 & open_ends).to_numpy(dtype=bool)

    # A settled prerequisite is delivered or will never be; a settled dependent needs nothing any more.
    live = ~edges["to_project"].isin(settled) & ~edges["from_project"].isin(settled)
    links = date_links(edges[live], start, finish, finish_source)
    edges["slack_days"] = links["slack_days"].reindex(edges.index)
    conflicts = late_rows(links)
    findings = [_cycle_finding(cycle, members[component[cycle[0]]]) for cycle in cycles]
    findings += _cancelled_findings(edges, status)
    return DependencyAnalysis(
        cycles=tuple(cycles),
        longest_chain=chain,
        longest_chain_days=chain_days,
        links=links.sort_values(["slack_days", "from_project", "to_project"], kind="stable",
                                na_position="last").reset_index(drop=True)[LINK_COLUMNS],
        projects=table,
        conflicts=conflicts[CONFLICT_COLUMNS],
        waves=table[["project_id", "wave"]].sort_values(["wave", "project_id"], kind="stable").reset_index(drop=True),
        edges=edges[EDGE_COLUMNS],
        findings=tuple(findings + late_findings(conflicts)),
        as_of=as_of,
    )


def _edge_frame(dependencies: pd.DataFrame) -> pd.DataFrame:
    columns = ["from_project", "to_project", "kind", "needed_by"]
    frame = pd.DataFrame({c: dependencies[c] if c in dependencies else np.nan for c in columns},
                         index=dependencies.index)
    frame["needed_by"] = pd.to_datetime(frame["needed_by"])
    if "source_row" in dependencies:
        frame["source_row"] = dependencies["source_row"]
    return frame.reset_index(drop=True)


def _status(info: pd.DataFrame) -> pd.Series:
    """Status per project id as text (NaN when unknown or there is no status column)."""
    if "status" not in info:
        return pd.Series(np.nan, index=info.index, dtype=object)
    return info["status"].astype(object)


def _cancelled_findings(edges: pd.DataFrame, status: pd.Series) -> list[Finding]:
    """``needs_cancelled``: a proposed, active or on-hold project needs a cancelled one."""
    needs = edges[edges["from_project"].map(status).isin(CANDIDATES).to_numpy(dtype=bool)
                  & edges["to_project"].map(status).eq("cancelled").to_numpy(dtype=bool)]
    needs = needs.sort_values(["from_project", "to_project"], kind="stable")
    source_rows = needs["source_row"] if "source_row" in needs else pd.Series(np.nan, index=needs.index)
    out = []
    for source, target, row in zip(needs["from_project"].tolist(), needs["to_project"].tolist(),
                                   source_rows.tolist()):
        state = status_word(status.get(source))
        state = state.replace("_", " ") if isinstance(state, str) else str(state)
        out.append(Finding(
            "error", "needs_cancelled",
            _("{source} ({state}) needs {target}, which is cancelled: find another way to deliver what {source} "
              "needs from {target}, or re-plan {source} without it").format(source=source, state=state,
                                                                            target=target),
            project_id=source, sheet="dependencies", row=None if pd.isna(row) else int(row),
            extra={"to_project": target},
        ))
    return out


def links_by_group(analysis: DependencyAnalysis, groups: pd.Series) -> pd.DataFrame:
    """The links between groups of projects (a PMO, a programme), for a network too big to draw project by project.

    Parameters
    ----------
    analysis
        A dependency analysis.
    groups
        Group per project id (e.g. the projects' ``pmo``); a project without one is in ``"(none)"``.

    Returns
    -------
    pandas.DataFrame
        :data:`GROUP_LINK_COLUMNS`: one row per (group that needs, group needed), with the number of links
        between open projects, how many have negative slack, and the least slack; fewest days of slack first.
    """
    links = analysis.links
    group = groups.astype(object).where(groups.notna(), "(none)")
    frame = links.assign(from_group=links["from_project"].map(group).fillna("(none)"),
                         to_group=links["to_project"].map(group).fillna("(none)"),
                         late=links["slack_days"] < 0)
    out = (frame.groupby(["from_group", "to_group"], sort=True)
           .agg(links=("slack_days", "size"), conflicts=("late", "sum"), least_slack_days=("slack_days", "min"))
           .reset_index())
    out["conflicts"] = out["conflicts"].astype(int)
    return out.sort_values(["least_slack_days", "from_group", "to_group"], kind="stable",
                           na_position="last").reset_index(drop=True)[GROUP_LINK_COLUMNS]


def _cycles(graph: nx.DiGraph, components: list[list[str]]) -> list[tuple[str, ...]]:
    """One cycle per cyclic component, rotated to start at its smallest id; sorted."""
    cycles = []
    for nodes in components:
        found = nx.find_cycle(graph.subgraph(nodes), source=nodes[0])
        cycle = [u for u, _ in found]
        start = cycle.index(min(cycle))
        cycles.append(tuple(cycle[start:] + cycle[:start]))
    return sorted(cycles)


def _cycle_finding(cycle: tuple[str, ...], component: list[str]) -> Finding:
    chain = _(" needs ").join([*cycle, cycle[0]])
    others = sorted(set(component) - set(cycle))
    if others:
        shown = ", ".join(others[:10]) if len(others) <= 10 else _("{listed} and {n} more").format(
            listed=", ".join(others[:10]), n=len(others) - 10)
        message = _("Dependency cycle: {chain} (the same tangle also holds {others}); no order can deliver these "
                    "projects, break one dependency").format(chain=chain, others=shown)
    else:
        message = _("Dependency cycle: {chain}; no order can deliver these projects, break one dependency").format(
            chain=chain)
    return Finding("error", "dependency_cycle", message, project_id=cycle[0], sheet="dependencies",
                   extra={"cycle": list(cycle), "component": list(component)})


def _longest_chain(condensed: nx.DiGraph, members: dict[int, list[str]], start: pd.Series,
                   finish: pd.Series) -> tuple[list[int], float | None]:
    """The chain with the longest calendar span, as components listed prerequisite first, and its span in days.

    ``members`` holds the projects each component puts on the chain (closed and cancelled ones removed); a
    component left empty ends the chain.
    """
    if condensed.number_of_nodes() == 0:
        return [], None
    order = list(nx.topological_sort(condensed))        # dependents before their prerequisites
    rank = {c: i for i, c in enumerate(sorted(members, key=lambda c: (not members[c], members[c])))}
    begins, ends = _span_ends(members, start, finish)
    low: dict[int, tuple] = {}                            # (earliest start, -projects, rank) reachable from c
    step: dict[int, int | None] = {}
    for c in reversed(order):                             # prerequisites first
        if not members[c]:
            low[c], step[c] = (pd.NaT, 0, rank[c]), None
            continue
        options = [s for s in condensed.successors(c) if members[s] and pd.notna(low[s][0])]
        nxt = min(options, key=lambda s: (low[s][0], low[s][1], low[s][2]), default=None)
        own = begins[c]
        if nxt is None:
            low[c], step[c] = (own, -len(members[c]), rank[c]), None
        else:
            earliest = own if pd.notna(own) and own < low[nxt][0] else low[nxt][0]
            low[c], step[c] = (earliest, low[nxt][1] - len(members[c]), rank[c]), nxt
    # a chain has at least one link: a project with a prerequisite, or a cycle
    spans = {c: (ends[c] - low[c][0]) / pd.Timedelta(days=1) for c in order
             if (step[c] is not None or len(members[c]) > 1) and pd.notna(ends[c]) and pd.notna(low[c][0])}
    if not spans:
        return [], None
    node = max(spans, key=lambda c: (spans[c], -low[c][1], -rank[c]))
    days = spans[node]
    chain = []
    while node is not None:
        chain.append(node)
        node = step[node]
    return chain[::-1], float(days)


def _span_ends(members: dict[int, list[str]], start: pd.Series,
               finish: pd.Series) -> tuple[dict[int, pd.Timestamp], dict[int, pd.Timestamp]]:
    """Earliest start and latest finish of each component's listed projects (NaT when none is known), with one
    group-by over all components rather than a look-up per component."""
    keys = list(members)
    owner = np.repeat(np.array(keys, dtype=np.int64), [len(members[c]) for c in keys])
    projects = [p for c in keys for p in members[c]]
    dates = pd.DataFrame({"component": owner, "start": start.reindex(projects).to_numpy(),
                          "finish": finish.reindex(projects).to_numpy()})
    grouped = dates.groupby("component", sort=False)
    begins = grouped["start"].min().reindex(keys)
    ends = grouped["finish"].max().reindex(keys)
    return dict(zip(keys, begins.tolist())), dict(zip(keys, ends.tolist()))


def _waves(condensed: nx.DiGraph, members: dict[int, list[str]]) -> dict[str, int]:
    """Wave per project: topological generations of the reversed condensation (prerequisites first)."""
    waves = {}
    for number, generation in enumerate(nx.topological_generations(condensed.reverse(copy=False)), start=1):
        for c in generation:
            for p in members[c]:
                waves[p] = number
    return waves


def _blast_radius(graph: nx.DiGraph, condensed: nx.DiGraph, members: dict[int, list[str]]) -> dict[str, int]:
    """Number of projects that need each project, directly or transitively (its ancestors).

    Projects are numbered in topological order of their components, so a component's reach only holds bits
    below its own; a reach is dropped once every prerequisite has taken it, so memory follows the widest
    level of the graph, not its square."""
    order = list(nx.topological_sort(condensed))          # every project that needs c is handled before c
    offset, total = {}, 0
    for c in order:
        offset[c] = total
        total += len(members[c])
    waiting = dict(condensed.out_degree())                 # prerequisites still to take c's reach
    above: dict[int, int] = {}                            # c's ancestors and c's own projects, as bits
    radius = {}
    for c in order:
        reach = 0
        for parent in condensed.predecessors(c):
            reach |= above[parent]
            waiting[parent] -= 1
            if not waiting[parent]:
                del above[parent]
        m = members[c]
        count = reach.bit_count() + len(m) - 1            # the rest of its own cycle needs it too
        for p in m:
            radius[p] = count
        if waiting[c]:
            above[c] = reach | (((1 << len(m)) - 1) << offset[c])
    return radius


def _project_table(graph: nx.DiGraph, condensed: nx.DiGraph, members: dict[int, list[str]], cyclic: set[int],
                   info: pd.DataFrame, waves: dict[str, int]) -> pd.DataFrame:
    nodes = list(graph)
    if graph.number_of_nodes() <= EXACT_BETWEENNESS_MAX_NODES:
        betweenness = dict(zip(nodes, betweenness_centrality(graph)))
    else:
        betweenness = dict(zip(nodes, betweenness_centrality(graph, k=BETWEENNESS_SAMPLES, seed=0)))
    radius = _blast_radius(graph, condensed, members)
    component = condensed.graph["mapping"]
    names = info["name"].reindex(nodes) if "name" in info else pd.Series(np.nan, index=nodes)
    table = pd.DataFrame({
        "project_id": pd.Series(nodes, dtype="str"),
        "name": names.to_numpy(),
        "prerequisites": np.array([graph.out_degree(p) for p in nodes], dtype=int),
        "dependents": np.array([graph.in_degree(p) for p in nodes], dtype=int),
        "blast_radius": np.array([radius[p] for p in nodes], dtype=int),
        "betweenness": np.array([betweenness[p] for p in nodes], dtype=float),
        "wave": np.array([waves[p] for p in nodes], dtype=int),
        "in_cycle": np.array([component[p] in cyclic for p in nodes], dtype=bool),
    })
    table = table.sort_values(["dependents", "blast_radius", "project_id"], ascending=[False, False, True],
                              kind="stable")
    return table.reset_index(drop=True)[PROJECT_COLUMNS]


def betweenness_centrality(graph: nx.DiGraph, k: int | None = None, seed: int = 0) -> np.ndarray:
    """Normalised betweenness of a directed, unweighted graph, in ``list(graph)`` order.

    The same numbers as ``networkx.betweenness_centrality(graph, k=k, seed=seed)``
    (endpoints excluded, normalised; with ``k`` the same sampled sources,
    ``random.Random(seed).sample(list(graph), k)``, and the same rescaling),
    computed by Brandes' algorithm for many sources at once: each
    breadth-first level is one sparse matrix product over all sources of a
    batch, and so is each level of the dependency accumulation. networkx walks
    each source in Python, about 10 ms per source on a 10,000-project portfolio.

    Parameters
    ----------
    graph
        A directed graph without edge weights.
    k
        Number of sampled source nodes; ``None`` (or ``len(graph)``) for exact betweenness.
    seed
        Seed of the source sample.
    """
    nodes = list(graph)
    n = len(nodes)
    if k is not None and k >= n:
        k = None                                            # every node a source: exact, as networkx does
    index = {v: i for i, v in enumerate(nodes)}
    if k is None:
        sources = np.arange(n)
    else:
        sources = np.array([index[v] for v in random.Random(seed).sample(nodes, k)], dtype=np.int64)
    raw = np.zeros(n)
    if n and graph.number_of_edges():
        rows = np.fromiter((index[u] for u, _ in graph.edges()), dtype=np.int64, count=graph.number_of_edges())
        cols = np.fromiter((index[v] for _, v in graph.edges()), dtype=np.int64, count=graph.number_of_edges())
        forward = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))   # u -> v
        backward = forward.T.tocsr()
        batch = max(1, min(len(sources), 2_000_000 // max(n, 1)))
        for lo in range(0, len(sources), batch):
            raw += _brandes_batch(forward, backward, sources[lo:lo + batch])
    count = len(sources)
    pairs = n - 1                                           # networkx's N without endpoints
    if pairs < 2:
        return raw
    if k is None:
        return raw / (pairs * (pairs - 1))
    scale = np.full(n, 1 / (count * (pairs - 1)))
    scale[sources] = 1 / ((count - 1) * (pairs - 1)) if count > 1 else np.nan
    return raw * scale


def _brandes_batch(forward: sparse.csr_array, backward: sparse.csr_array, sources: np.ndarray) -> np.ndarray:
    """Unnormalised betweenness contributions of ``sources`` (Brandes, all sources of the batch at once)."""
    n, b = forward.shape[0], len(sources)
    dist = np.full((n, b), -1, dtype=np.int32)
    sigma = np.zeros((n, b))
    columns = np.arange(b)
    dist[sources, columns] = 0
    sigma[sources, columns] = 1.0
    levels = [(sources, columns)]
    while True:
        r, c = levels[-1]
        frontier = sparse.csr_array((sigma[r, c], (r, c)), shape=(n, b))
        reached = (backward @ frontier).tocoo()            # paths into every node reached from the frontier
        r, c, paths = reached.row, reached.col, reached.data
        new = dist[r, c] < 0
        if not new.any():
            break
        r, c = r[new], c[new]
        dist[r, c] = len(levels)
        sigma[r, c] = paths[new]
        levels.append((r, c))
    delta = np.zeros((n, b))
    for depth in range(len(levels) - 1, 0, -1):
        r, c = levels[depth]
        share = sparse.csr_array(((1.0 + delta[r, c]) / sigma[r, c], (r, c)), shape=(n, b))
        back = (forward @ share).tocoo()
        r, c, total = back.row, back.col, back.data
        on_path = dist[r, c] == depth - 1
        r, c = r[on_path], c[on_path]
        delta[r, c] += sigma[r, c] * total[on_path]
    delta[sources, columns] = 0.0
    return delta.sum(axis=1)


__all__ = ["BETWEENNESS_SAMPLES", "CONFLICT_COLUMNS", "EXACT_BETWEENNESS_MAX_NODES", "LINK_COLUMNS",
           "DependencyAnalysis", "analyse_dependencies", "links_by_group"]

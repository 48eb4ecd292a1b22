"""Community detection: :func:`communities`, :func:`community_table`, :func:`modularity`.

Every method runs through igraph by default. Randomised methods are seeded locally
(igraph's random number generator is set to ``random.Random(seed)`` for the call and
restored to Python's ``random`` module afterwards): one seed gives one result, always.

Louvain can also run on networkit (``engine="networkit"``, optional dependency:
``pip install "connectana[fast]"``): its PLM with refinement, one thread, nodes
visited in a fixed order, so it is deterministic without a seed. On the 1M-post
benchmark forum it takes 0.5 s where igraph's Leiden takes 15 s, for a slightly
higher modularity (``benchmarks/README.md``).
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InputError, ParameterError
from ..events import ROLE
from .centrality import tie_table

if TYPE_CHECKING:  # pragma: no cover
    import igraph

    from ..network import Network

__all__ = [
    "ENGINES",
    "LEIDEN_TOLERANCE",
    "METHODS",
    "communities",
    "community_table",
    "leiden_membership",
    "modularity",
]

#: Community detection methods known to :func:`communities`.
METHODS = ("leiden", "louvain", "infomap", "label_propagation", "walktrap", "fast_greedy")
#: The engines of :func:`communities` and the methods each runs.
ENGINES = {"igraph": METHODS, "networkit": ("louvain",)}
_RANDOMISED = {"leiden", "louvain", "infomap", "label_propagation"}
#: Leiden's default stopping rule: stop after an iteration that raises modularity by less.
LEIDEN_TOLERANCE = 1e-3


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed igraph's random number generator for a block, then restore the default."""
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def relabel(membership: Sequence[int]) -> list[int]:
    """Labels ``0..k-1`` by decreasing size, ties broken by the community's first node."""
    m = np.asarray(membership)
    if len(m) == 0:
        return []
    labels, first, sizes = np.unique(m, return_index=True, return_counts=True)
    order = sorted(range(len(labels)), key=lambda i: (-sizes[i], first[i]))
    new = np.empty(len(labels), dtype=np.int64)
    new[order] = np.arange(len(labels))
    return new[np.searchsorted(labels, m)].tolist()


def leiden_membership(
    graph: igraph.Graph,
    *,
    weights: str | Sequence[float] | None = "weight",
    resolution: float = 1.0,
    objective: str = "modularity",
    seed: int = 0,
    tolerance: float | None = LEIDEN_TOLERANCE,
) -> list[int]:
    """Leiden communities of an igraph graph, deterministic for a seed.

    Parameters
    ----------
    graph : igraph.Graph
        A directed graph is made undirected first (multi-edges and both
        directions merged, weights summed); self-loops are dropped.
    weights : str, sequence or None
        Edge attribute name (ignored when the graph has no such attribute),
        a list of weights, or None (unweighted).
    resolution : float
        Resolution parameter of the objective.
    objective : {"modularity", "CPM"}
    seed : int
    tolerance : float or None
        Stopping rule, as in :func:`communities`.

    Returns
    -------
    list of int
        Community of each vertex, ``0..k-1`` by decreasing size.

    Examples
    --------
    >>> import igraph as ig
    >>> g = ig.Graph.Famous("Zachary")
    >>> m = leiden_membership(g, seed=1)
    >>> m == leiden_membership(g, seed=1), round(g.modularity(m), 4)
    (True, 0.4198)
    """
    g = graph.copy()
    if isinstance(weights, str):
        w = g.es[weights] if weights in g.es.attributes() else None
    else:
        w = list(weights) if weights is not None else None
    g.es["_w"] = [1.0] * g.ecount() if w is None else [float(x) for x in w]
    if g.is_directed():
        g.to_undirected(mode="collapse", combine_edges={"_w": "sum"})
    g.simplify(multiple=True, loops=True, combine_edges={"_w": "sum"})
    return relabel(_leiden(g, "_w", objective, resolution, seed, tolerance)[0])


def _leiden(
    g: igraph.Graph,
    weights: str,
    objective: str,
    resolution: float,
    seed: int,
    tolerance: float | None = LEIDEN_TOLERANCE,
) -> tuple[list[int], int]:
    """Leiden one iteration at a time; (membership, iterations run).

    Iterating ``k`` times from the previous membership is what igraph's
    ``n_iterations=k`` does (same random stream). The run stops when an
    iteration leaves the membership unchanged, or, with ``tolerance`` and the
    modularity objective, when it raises modularity (at ``resolution``) by less
    than ``tolerance``.
    """
    objective = _objective(objective)
    if tolerance is not None and tolerance < 0:
        raise ParameterError(f"tolerance must be >= 0 or None, found {tolerance!r}")
    use_q = tolerance is not None and objective == "modularity"
    membership: list[int] | None = None
    quality = -np.inf
    iterations = 0
    with seeded(seed):
        while True:
            part = g.community_leiden(
                objective_function=objective,
                weights=weights,
                resolution=resolution,
                n_iterations=1,
                initial_membership=membership,
            )
            iterations += 1
            if part.membership == membership:
                break
            membership = part.membership
            if use_q:
                q = g.modularity(membership, weights=weights, resolution=resolution)
                if q - quality < tolerance:
                    break
                quality = q
    return membership if membership is not None else part.membership, iterations


def _objective(objective: str) -> str:
    low = objective.lower()
    if low not in ("modularity", "cpm"):
        raise ParameterError(f"objective must be 'modularity' or 'CPM', found {objective!r}")
    return "modularity" if low == "modularity" else "CPM"


def _run(
    g: igraph.Graph,
    method: str,
    seed: int,
    objective: str,
    resolution: float,
    tolerance: float | None = LEIDEN_TOLERANCE,
    log: list[int] | None = None,
) -> list[int]:
    """One membership from one method on graph ``g`` (edge attribute ``w``).

    Leiden appends its number of iterations to ``log``.
    """
    if g.vcount() == 0:
        return []
    if method == "leiden":
        membership, iterations = _leiden(g, "weight", objective, resolution, seed, tolerance)
        if log is not None:
            log.append(iterations)
        return membership
    if method == "walktrap":
        return g.community_walktrap(weights="weight", steps=4).as_clustering().membership
    if method == "fast_greedy":
        return g.community_fastgreedy(weights="weight").as_clustering().membership
    with seeded(seed):
        if method == "louvain":
            return g.community_multilevel(weights="weight", resolution=resolution).membership
        if method == "infomap":
            return g.community_infomap(edge_weights="weight", trials=10).membership
        return g.community_label_propagation(weights="weight").membership


def communities(
    net: Network,
    method: str = "leiden",
    *,
    seed: int = 0,
    runs: int = 1,
    objective: str = "modularity",
    resolution: float = 1.0,
    weight: str | None = "weight",
    threshold: float = 0.5,
    engine: str = "igraph",
    convention: str = "connectana",
    tolerance: float | None = LEIDEN_TOLERANCE,
) -> pd.Series:
    """Communities of a network, deterministic for a seed.

    Parameters
    ----------
    net : Network
    method : {"leiden", "louvain", "infomap", "label_propagation", "walktrap", "fast_greedy"}
        Leiden (Traag et al. 2019; igraph ``community_leiden``, iterated until
        an iteration gains less than ``tolerance``), Louvain (igraph ``community_multilevel``), Infomap (10 trials),
        label propagation, walktrap (4 steps, cut at maximum modularity), fast
        greedy (Clauset–Newman–Moore, cut at maximum modularity).
    seed : int
        Seed of the randomised methods (leiden, louvain, infomap, label
        propagation); run ``i`` of ``runs`` uses ``seed + i``.
    runs : int
        With ``runs > 1`` the method runs ``runs`` times; ``attrs["stability"]``
        describes the ensemble and the membership returned is their consensus.
    objective : {"modularity", "CPM"}
        Leiden's objective. The default is modularity: igraph's own default,
        CPM with resolution 1, puts almost every node of a forum network in its
        own community.
    resolution : float
        Resolution of Leiden (either objective) and Louvain.
    weight : str or None
        Edge column used as tie weight (default ``"weight"``: interactions);
        None: unweighted.
    threshold : float
        Consensus: ties whose ends share a community in fewer than this share
        of the runs are dropped (Lancichinetti & Fortunato 2012).
    engine : {"igraph", "networkit"}
        ``"networkit"`` (optional dependency) runs ``method="louvain"`` as
        networkit's PLM with refinement (Louvain plus a second node-moving phase
        after each coarsening, Staudt & Meyerhenke 2016) on one thread, nodes
        in a fixed order: deterministic, so ``seed`` is unused and ``runs``
        must be 1. It is much faster than igraph on large networks (0.5 s
        against 15 s for Leiden at 50k nodes and 770k ties, with modularity
        0.1240 against 0.1236).
    convention : {"connectana", "igraph"}
        ``"igraph"``: as R igraph's ``cluster_*`` functions (and python-igraph's
        ``community_*``) run with their default arguments on the network *as built*
        (directed, multi-edges and self-loops as they are in ``net.edges``, weights
        as given): Infomap and walktrap follow the directions; Louvain, Leiden and
        fast greedy refuse a directed network, as R igraph does (build it with
        ``directed=False``); ``attrs["modularity"]`` is igraph's ``modularity()``
        (directed on a directed network). ``runs`` must be 1.
    tolerance : float or None
        Leiden with the modularity objective: iterate (each iteration starting
        from the previous partition, as igraph's ``n_iterations``) until an
        iteration raises the modularity (at ``resolution``) by less than
        ``tolerance`` (default ``1e-3``: on the 100k- and 1M-post benchmark
        forums 3–4 iterations, within 0.002 of iterating until stable, which
        takes 36–60 iterations and 6–15 times as long), or leaves the partition
        unchanged. ``None``: until stable (the partition stops changing:
        igraph's ``n_iterations=-1``), the only rule for CPM.

    Returns
    -------
    Series
        ``community`` indexed like ``net.nodes``; labels ``0..k-1`` by
        decreasing size, ties broken by the community's first node. ``attrs``:
        ``method``, ``objective``, ``resolution``, ``seed``, ``runs``,
        ``weight``, ``direction``, ``modularity``, ``n_communities``, for
        Leiden ``tolerance`` and ``iterations`` (one number per run; with
        ``runs > 1`` those of the first round), and with ``runs > 1``
        ``stability``.

    Notes
    -----
    The network is first reduced to its distinct ties between different nodes
    (multi-edges merged, weights summed, self-loops dropped). Every method but
    Infomap needs an undirected graph: a directed network is made undirected,
    a→b and b→a merged into one tie whose weight is the sum of both
    (``attrs["direction"]`` says so). Infomap uses the directions (random walk
    along them). ``modularity`` is Newman's modularity of the partition
    (resolution 1) on that weighted undirected graph, see :func:`modularity`.

    ``stability`` (runs > 1): ``nmi_mean``/``nmi_min`` and
    ``ari_mean``/``ari_min`` over all pairs of runs (igraph
    ``compare_communities``, methods ``nmi`` and ``adjusted_rand``),
    ``modularity_mean``/``min``/``max``/``std`` (population std) of the runs,
    and whether the consensus converged. Consensus (Lancichinetti & Fortunato
    2012): each tie is weighted by the share of runs in which its two ends are
    together, ties below ``threshold`` are dropped, the method is run again
    ``runs`` times on that graph, until all runs agree (at most 10 rounds; if
    they never agree, the first run of the last round is returned and
    ``consensus_converged`` is False).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": list("abcdef") + ["a"],
    ...     "target": list("bcaefd") + ["d"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 7, utc=True)}))
    >>> c = ca.communities(ca.build_network(ev))
    >>> c.tolist(), round(c.attrs["modularity"], 4)
    ([0, 0, 0, 1, 1, 1], 0.3571)
    """
    if method not in METHODS:
        raise ParameterError(f"unknown method {method!r}; choose one of {list(METHODS)}")
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine {engine!r}; choose one of {list(ENGINES)}")
    if method not in ENGINES[engine]:
        raise ParameterError(
            f"engine={engine!r} does not run method {method!r}; it runs {list(ENGINES[engine])}"
        )
    if runs < 1:
        raise ParameterError(f"runs must be at least 1, found {runs!r}")
    if engine == "networkit" and runs > 1:
        raise ParameterError(
            "engine='networkit' is deterministic (fixed node order): every run gives the same "
            "partition; use engine='igraph' for an ensemble of runs"
        )
    objective = _objective(objective)
    if convention == "igraph":
        if runs != 1 or engine != "igraph":
            raise InputError(
                "convention='igraph' runs igraph's own method once",
                field="runs/engine",
                expected="runs=1, engine='igraph'",
            )
        return _igraph_communities(net, method, seed, objective, resolution, weight)
    if convention != "connectana":
        raise InputError(
            "unknown convention", field="convention", found=convention,
            expected="'connectana' or 'igraph'",
        )  # fmt: skip
    n = net.n_nodes
    directed = method == "infomap" and net.directed
    ties = tie_table(net, directed=directed, weight=weight, loops=False)
    g = net.view(directed=directed, weight=weight).graph
    und = g if not directed else _undirected(net, weight)
    seeds = [seed + i for i in range(runs)]
    log: list[int] = []
    if engine == "networkit":
        members = [_plm(n, ties, resolution)]
    else:
        members = [_run(g, method, s, objective, resolution, tolerance, log) for s in seeds]
    attrs: dict[str, Any] = {
        "method": method,
        "engine": engine,
        "objective": objective if method == "leiden" else None,
        "resolution": resolution if method in ("leiden", "louvain") else None,
        "seed": seed if method in _RANDOMISED and engine == "igraph" else None,
        "runs": runs,
        "weight": weight,
        "direction": (
            "directed (random walk along the ties)"
            if directed
            else ("collapsed to undirected, weights summed" if net.directed else "undirected")
        ),
    }
    if method == "leiden":
        attrs["tolerance"] = tolerance if objective == "modularity" else None
        attrs["iterations"] = log
    if runs == 1:
        final = members[0]
    else:
        final, converged, rounds = _consensus(
            g, members, method, seeds, objective, resolution, threshold, tolerance
        )
        qs = np.array([_modularity(und, m) for m in members])
        pairs = list(itertools.combinations(range(runs), 2))
        nmi = [_compare(members[i], members[j], "nmi") for i, j in pairs]
        ari = [_compare(members[i], members[j], "adjusted_rand") for i, j in pairs]
        attrs["stability"] = {
            "nmi_mean": float(np.mean(nmi)),
            "nmi_min": float(np.min(nmi)),
            "ari_mean": float(np.mean(ari)),
            "ari_min": float(np.min(ari)),
            "modularity_mean": float(qs.mean()),
            "modularity_min": float(qs.min()),
            "modularity_max": float(qs.max()),
            "modularity_std": float(qs.std()),
            "consensus_converged": converged,
            "consensus_rounds": rounds,
        }
    final = relabel(final)
    attrs["modularity"] = _modularity(und, final)
    attrs["n_communities"] = len(set(final))
    result = pd.Series(final, index=net.nodes.index.copy(), name="community", dtype=np.int64)
    result.attrs = attrs
    return result


def _plm(n: int, ties: pd.DataFrame, resolution: float) -> list[int]:
    """networkit's PLM with refinement on the undirected ties ``s``, ``t``, ``w``: one
    thread, nodes in a fixed order (``par="none"``), so the result is deterministic."""
    try:
        import networkit as nk
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "engine='networkit' needs networkit: pip install 'connectana[fast]'"
        ) from None
    if n == 0:
        return []
    s = ties["s"].to_numpy(dtype=np.uint64)
    t = ties["t"].to_numpy(dtype=np.uint64)
    w = ties["w"].to_numpy(dtype=np.float64)
    g = nk.GraphFromCoo((w, (s, t)), n=n, weighted=True, directed=False)
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    try:
        plm = nk.community.PLM(g, refine=True, gamma=resolution, par="none")
        plm.run()
        return [int(c) for c in plm.getPartition().getVector()]
    finally:
        nk.setNumberOfThreads(threads)


def _undirected(net: Network, weight: str | None) -> igraph.Graph:
    """The network's memoised undirected simple graph (edge attribute ``weight``)."""
    return net.view(directed=False, weight=weight).graph


def _modularity(g: igraph.Graph, membership: Sequence[int], resolution: float = 1.0) -> float:
    if g.ecount() == 0 or sum(g.es["weight"]) == 0:
        return float("nan")
    return float(
        g.modularity(list(membership), weights="weight", resolution=resolution, directed=False)
    )


def _compare(a: Sequence[int], b: Sequence[int], how: str) -> float:
    import igraph as ig

    if relabel(a) == relabel(b):
        return 1.0
    return float(ig.compare_communities(list(a), list(b), method=how))


def _consensus(
    g: igraph.Graph,
    members: list[list[int]],
    method: str,
    seeds: list[int],
    objective: str,
    resolution: float,
    threshold: float,
    tolerance: float | None = LEIDEN_TOLERANCE,
) -> tuple[list[int], bool, int]:
    import igraph as ig

    n = g.vcount()
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    current = members
    for rounds in range(11):
        if all(_compare(current[0], m, "nmi") == 1.0 for m in current[1:]):
            return current[0], True, rounds
        if rounds == 10:
            break
        m = np.array(current)
        share = (m[:, edges[:, 0]] == m[:, edges[:, 1]]).mean(axis=0)
        keep = share >= threshold
        h = ig.Graph(n=n, edges=edges[keep].tolist(), directed=g.is_directed())
        h.es["weight"] = share[keep].tolist()
        current = [_run(h, method, s, objective, resolution, tolerance) for s in seeds]
    return current[0], False, 10


def _codes(
    net: Network, membership: pd.Series | Mapping | Sequence[Any]
) -> tuple[np.ndarray, pd.Index]:
    """Community code (0..k-1) of every node, in node order."""
    if isinstance(membership, dict):
        membership = pd.Series(membership)
    if isinstance(membership, pd.Series):
        m = membership.copy()
        m.index = m.index.astype(str)
        m = m.reindex(net.nodes.index.astype(str))
        if m.isna().any():
            missing = list(m.index[m.isna()][:3])
            raise ParameterError(f"membership has no community for node(s) {missing}")
        values = m.to_numpy()
    else:
        values = np.asarray(list(membership), dtype=object)
        if len(values) != net.n_nodes:
            raise ParameterError(
                f"membership has {len(values)} entries; the network has {net.n_nodes} nodes"
            )
    codes, labels = pd.factorize(values)
    return codes, pd.Index(labels)


def modularity(
    net: Network,
    membership: pd.Series | Mapping | Sequence[Any],
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
    convention: str = "connectana",
) -> float:
    """Newman's modularity of a partition of the (undirected) network.

    ``Q = 1/(2m) sum_ij [A_ij - resolution * k_i k_j / (2m)] delta(c_i, c_j)``
    on the undirected graph of distinct ties (a→b and b→a merged, weights
    summed, self-loops dropped); ``A`` holds the ``weight`` column (1 per tie
    when None), ``k`` the strengths, ``m`` the total weight (igraph
    ``Graph.modularity``). NaN when the network has no tie.

    ``convention="igraph"``: R igraph's ``modularity(g, membership, weights)`` on the
    network as built — on a directed network the directed modularity
    ``Q = 1/m sum_ij [A_ij - resolution * k_i^out k_j^in / m] delta(c_i, c_j)``,
    multi-edges and self-loops counted as they are in ``net.edges`` — so that a
    published partition's modularity reproduces.

    Examples
    --------
    >>> import networkx as nx, connectana as ca
    >>> from connectana.metrics.community import modularity
    >>> net = ca.Network.from_networkx(nx.karate_club_graph())
    >>> club = net.nodes["club"]
    >>> round(modularity(net, club, weight=None), 4)  # networkx's "club" attribute
    0.3582
    """
    codes, _ = _codes(net, membership)
    if convention == "igraph":
        g, w = _as_built(net, weight)
        return float(g.modularity(codes.tolist(), weights=w, resolution=resolution))
    return _modularity(_undirected(net, weight), codes.tolist(), resolution)


def _as_built(net: Network, weight: str | None) -> tuple[igraph.Graph, list[float] | None]:
    """The igraph graph of the network as built (R igraph's view) and its weights."""
    import igraph as ig

    src, dst = net.edge_codes()
    g = ig.Graph(
        n=net.n_nodes,
        edges=list(zip(src.tolist(), dst.tolist(), strict=True)),
        directed=net.directed,
    )
    w = None if weight is None else net.edges[weight].to_numpy(dtype=float).tolist()
    return g, w


def _igraph_communities(
    net: Network, method: str, seed: int, objective: str, resolution: float, weight: str | None
) -> pd.Series:
    """``communities(convention="igraph")``: igraph's method with its defaults, as built."""
    if net.directed and method in ("louvain", "leiden", "fast_greedy"):
        raise InputError(
            f"R igraph's cluster_{method} does not take a directed graph",
            field="method",
            expected="build the network with directed=False (R: as.undirected)",
        )
    g, w = _as_built(net, weight)
    if g.vcount() == 0:
        members: list[int] = []
    elif method == "walktrap":
        members = g.community_walktrap(weights=w, steps=4).as_clustering().membership
    elif method == "fast_greedy":
        members = g.community_fastgreedy(weights=w).as_clustering().membership
    else:
        with seeded(seed):
            if method == "infomap":
                members = g.community_infomap(edge_weights=w, trials=10).membership
            elif method == "louvain":
                members = g.community_multilevel(weights=w, resolution=resolution).membership
            elif method == "leiden":
                members = g.community_leiden(
                    objective_function=objective, weights=w, resolution=resolution
                ).membership
            else:
                members = g.community_label_propagation(weights=w).membership
    final = relabel(members)
    result = pd.Series(final, index=net.nodes.index.copy(), name="community", dtype=np.int64)
    result.attrs = {
        "method": method,
        "engine": "igraph",
        "convention": "igraph",
        "objective": objective if method == "leiden" else None,
        "resolution": resolution if method in ("leiden", "louvain") else None,
        "seed": seed if method in _RANDOMISED else None,
        "runs": 1,
        "weight": weight,
        "direction": "directed as built" if net.directed else "undirected",
        "modularity": float(g.modularity(final, weights=w)) if g.ecount() else float("nan"),
        "n_communities": len(set(final)),
    }
    return result


def community_table(
    net: Network,
    membership: pd.Series | Mapping | Sequence[Any],
    *,
    instructor: str = "instructor",
) -> pd.DataFrame:
    """One row per community: size, ties inside and across, instructors.

    Parameters
    ----------
    net : Network
    membership : Series or sequence
        Community of each node (e.g. the result of :func:`communities`).
    instructor : str
        The ``role`` value that marks instructors.

    Returns
    -------
    DataFrame
        Indexed by ``community`` (in order of first appearance of each label
        in sorted order). Columns: ``size``; ``internal_ties`` (distinct ties
        between two members; ordered pairs when directed); ``internal_density``
        (``internal_ties / (s(s-1))`` directed, ``/ (s(s-1)/2)`` undirected; NaN
        for a single node); ``ties_in`` (ties from outside to a member) and
        ``ties_out`` (from a member to outside) — for an undirected network
        both are the ties crossing the boundary; ``interactions_internal``;
        ``instructors`` (count) and ``instructor_ids`` (list, node order).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c", "a"],
    ...     "target": ["b", "a", "d", "c"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> t = community_table(ca.build_network(ev), {"a": 0, "b": 0, "c": 1, "d": 1})
    >>> t[["size", "internal_ties", "internal_density", "ties_in", "ties_out"]].values.tolist()
    [[2.0, 2.0, 1.0, 0.0, 1.0], [2.0, 1.0, 0.5, 1.0, 0.0]]
    """
    codes, labels = _codes(net, membership)
    labels = list(labels)
    k = len(labels)
    ties = tie_table(net, weight=None, loops=False)
    cs, ct = codes[ties["s"].to_numpy()], codes[ties["t"].to_numpy()]
    inside = cs == ct
    size = np.bincount(codes, minlength=k)
    internal = np.bincount(cs[inside], minlength=k)
    inter_internal = np.bincount(
        cs[inside], weights=ties["interactions"].to_numpy()[inside], minlength=k
    )
    out_ = np.bincount(cs[~inside], minlength=k)
    in_ = np.bincount(ct[~inside], minlength=k)
    if not net.directed:
        out_ = in_ = out_ + in_
    possible = size * (size - 1) / (1 if net.directed else 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where(possible > 0, internal / np.where(possible > 0, possible, 1), np.nan)
    is_instr = (
        (net.nodes[ROLE] == instructor).fillna(False).to_numpy(dtype=bool)
        if ROLE in net.nodes
        else np.zeros(net.n_nodes, bool)
    )
    ids = net.nodes.index.astype(str).to_numpy()
    instr_ids = [[str(x) for x in ids[(codes == c) & is_instr]] for c in range(k)]
    table = pd.DataFrame(
        {
            "size": size,
            "internal_ties": internal,
            "internal_density": density,
            "ties_in": in_,
            "ties_out": out_,
            "interactions_internal": _ints(inter_internal),
            "instructors": [len(x) for x in instr_ids],
            "instructor_ids": instr_ids,
        },
        index=pd.Index(labels, name="community"),
    )
    return table.sort_index() if _sortable(labels) else table


def _ints(x: np.ndarray) -> np.ndarray:
    return x.astype(np.int64) if np.all(np.mod(x, 1) == 0) else x


def _sortable(labels: list) -> bool:
    try:
        sorted(labels)
    except TypeError:
        return False
    return True

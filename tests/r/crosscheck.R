# The textbook's R calls (Learning Analytics Methods and Tutorials, ch. 15) and sna's
# whole-network measures, on an edge list read from CSV. Used by test_r_crosscheck.py.
#
# Rscript crosscheck.R EDGES FROM TO VERTICES ID OUT
#   EDGES     CSV of interactions, one row each (multi-edges and self-loops kept)
#   FROM, TO  its sender and receiver columns
#   VERTICES  CSV of every person (isolates included); ID its id column
#   OUT       long CSV written: what, name, value
suppressMessages({
  library(sna) # first, so that igraph's functions mask sna's; sna's are called as sna::
  library(igraph)
})
a <- commandArgs(trailingOnly = TRUE)
edges <- read.csv(a[1], colClasses = "character", check.names = FALSE)
vertices <- read.csv(a[4], colClasses = "character", check.names = FALSE)
el <- data.frame(from = edges[[a[2]]], to = edges[[a[3]]])
vx <- data.frame(name = vertices[[a[5]]])

rows <- list()
put <- function(what, values, names = "") {
  rows[[length(rows) + 1]] <<- data.frame(
    what = what, name = names, value = sprintf("%.17g", as.numeric(values))
  )
}

# the multigraph, as the chapter builds it
g <- graph_from_data_frame(el, directed = TRUE, vertices = vx)
pe <- as_edgelist(g)
pairs <- table(paste(pe[, 1], pe[, 2], sep = "\t"))
put("edge_count", as.vector(pairs), names(pairs))
v <- V(g)$name
put("in_degree", degree(g, mode = "in"), v)
put("out_degree", degree(g, mode = "out"), v)
put("degree", degree(g, mode = "all"), v)
put("closeness_all", closeness(g, mode = "all"), v)
put("closeness_out", closeness(g), v)
put("closeness_in", closeness(g, mode = "in"), v)
put("coreness", coreness(g), v)
put("betweenness_multi", betweenness(g), v)
put("pagerank_multi", page_rank(g)$vector, v)
put("clustering_multi", transitivity(g, type = "local"), v)
put("multi_diameter", diameter(g))
put("multi_mean_distance", mean_distance(g))
put("multi_global_efficiency", global_efficiency(g))
put("multi_edge_density", edge_density(g))
put("multi_reciprocity", reciprocity(g))
put("multi_transitivity", transitivity(g))

# simplify(g), the interactions summed into the weight
E(g)$weight <- 1
s <- simplify(g, edge.attr.comb = list(weight = "sum", "ignore"))
put("betweenness_und", betweenness(s, directed = FALSE), v)
put("eigenvector_und", eigen_centrality(s, directed = FALSE)$vector, v)
put("betweenness_dir", betweenness(s), v)
put("closeness_all_w", closeness(s, mode = "all"), v)
put("strength_in", strength(s, mode = "in"), v)
put("pagerank_w", page_rank(s)$vector, v)
put("constraint_w", constraint(s), v)
put("hub_w", hub_score(s)$vector, v)
put("authority_w", authority_score(s)$vector, v)
put("harmonic_out_w", harmonic_centrality(s), v)
put("simple_diameter", diameter(s))
put("simple_mean_distance", mean_distance(s))
put("simple_global_efficiency", global_efficiency(s))
put("simple_diameter_und", diameter(s, directed = FALSE))
put("simple_mean_distance_und", mean_distance(s, directed = FALSE))
put("simple_global_efficiency_und", global_efficiency(s, directed = FALSE))

# sna on the binary sociomatrix of the distinct ties
A <- as_adjacency_matrix(simplify(g, edge.attr.comb = "ignore"), sparse = FALSE)
A[A > 0] <- 1
put("sna_gden", sna::gden(A))
put("sna_grecip", sna::grecip(A))
put("sna_centralization_degree", sna::centralization(A, sna::degree))
put("sna_centralization_betweenness", sna::centralization(A, sna::betweenness))
put("sna_centralization_closeness", sna::centralization(A, sna::closeness))
U <- sna::symmetrize(A, rule = "weak")
put("sna_und_gden", sna::gden(U, mode = "graph"))
put("sna_und_centralization_degree", sna::centralization(U, sna::degree, mode = "graph"))
put("sna_und_centralization_betweenness", sna::centralization(U, sna::betweenness, mode = "graph"))
put("sna_und_centralization_closeness", sna::centralization(U, sna::closeness, mode = "graph"))

write.csv(do.call(rbind, rows), a[6], row.names = FALSE)

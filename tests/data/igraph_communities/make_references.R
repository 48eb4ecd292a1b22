# Reference communities of R igraph for connectana's communities(convention="igraph").
#   Rscript make_references.R CASE_DIR OUT_CSV
# Each case folder: nodes.csv (name, in connectana's node order), edges.csv (source, target,
# weight: the network as built), case.csv (directed, methods).
suppressMessages(library(igraph))
args <- commandArgs(trailingOnly = TRUE)
out <- file(args[2], "w")
writeLines("case,method,vertex,field,value", out)
for (dir in sort(list.dirs(args[1], recursive = FALSE))) {
  case <- basename(dir)
  meta <- read.csv(file.path(dir, "case.csv"), colClasses = "character")
  v <- read.csv(file.path(dir, "nodes.csv"), colClasses = "character")
  e <- read.csv(file.path(dir, "edges.csv"), colClasses = c("character", "character", "numeric"))
  g <- graph_from_data_frame(e, directed = as.logical(meta$directed[1]), vertices = v)
  for (m in strsplit(meta$methods[1], " ")[[1]]) {
    set.seed(1)
    cl <- switch(m,
      walktrap = cluster_walktrap(g, weights = E(g)$weight),
      infomap = cluster_infomap(g, e.weights = E(g)$weight),
      fast_greedy = cluster_fast_greedy(g, weights = E(g)$weight)
    )
    mem <- membership(cl)
    for (i in seq_along(mem)) writeLines(paste(case, m, V(g)$name[i], "membership", mem[i], sep = ","), out)
    q <- modularity(g, mem, weights = E(g)$weight)
    writeLines(paste(case, m, "", "modularity", sprintf("%.17g", q), sep = ","), out)
  }
}
close(out)

# Reference outputs of networkDynamic / tsna for connectana's temporal functions.
# Run by make_references.py (which writes the inputs and records the provenance):
#   Rscript make_references.R CASE_DIR OUT_CSV
# Each case folder holds spells.csv (tail, head: 1-based vertex numbers; onset, terminus;
# missing onset/terminus = an edge without spells) and case.csv (n, directed, sources,
# steps, windows). Output: one row per value, printed with 17 significant digits.
suppressMessages({
  library(network)
  library(networkDynamic)
  library(tsna)
  library(sna)
})
args <- commandArgs(trailingOnly = TRUE)
cases <- list.dirs(args[1], recursive = FALSE)
out <- file(args[2], "w")
writeLines("case,call,source,step,start,end,vertex,field,value", out)
fmt <- function(x) ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"), sprintf("%.17g", x)))
put <- function(case, call, source, step, start, end, vertex, field, value) {
  writeLines(paste(case, call, source, fmt(step), fmt(start), fmt(end), vertex, field, fmt(value), sep = ","), out)
}
for (dir in sort(cases)) {
  case <- basename(dir)
  meta <- read.csv(file.path(dir, "case.csv"), colClasses = "character")
  sp <- read.csv(file.path(dir, "spells.csv"))
  n <- as.integer(meta$n[1])
  directed <- as.logical(meta$directed[1])
  base <- network.initialize(n, directed = directed, loops = FALSE)
  timed <- !is.na(sp$onset)
  nd <- networkDynamic(base.net = base, edge.spells = sp[timed, c("onset", "terminus", "tail", "head")], verbose = FALSE)
  # edges without spells: added without activity (always active)
  untimed <- sp[!timed, ]
  for (i in seq_len(nrow(untimed))) {
    if (length(get.edgeIDs(nd, v = untimed$tail[i], alter = untimed$head[i])) == 0) {
      add.edge(nd, untimed$tail[i], untimed$head[i])
    }
  }
  # merged spells, one row per spell of each edge
  for (e in seq_along(nd$mel)) {
    s <- nd$mel[[e]]$atl$active
    if (is.null(s)) next
    for (k in seq_len(nrow(s))) {
      v <- paste(nd$mel[[e]]$outl, nd$mel[[e]]$inl, sep = "-")
      put(case, "spells", 0, 0, NA, NA, v, paste0("onset", k), s[k, 1])
      put(case, "spells", 0, 0, NA, NA, v, paste0("terminus", k), s[k, 2])
    }
  }
  sources <- as.integer(strsplit(meta$sources[1], " ")[[1]])
  steps <- as.numeric(strsplit(meta$steps[1], " ")[[1]])
  windows <- strsplit(meta$windows[1], " ")[[1]]
  for (step in steps) for (w in windows) {
    b <- suppressWarnings(as.numeric(strsplit(w, ":")[[1]]))
    for (v in sources) for (dir_ in c("fwd", "bkwd")) {
      call <- list(nd = nd, v = v, direction = dir_, graph.step.time = step,
                   type = if (dir_ == "fwd") "earliest.arrive" else "latest.depart")
      if (!is.na(b[1])) call$start <- b[1]
      if (!is.na(b[2])) call$end <- b[2]
      p <- suppressWarnings(do.call(tPath, call))
      for (x in seq_len(n)) {
        put(case, paste0("tPath_", dir_), v, step, b[1], b[2], x, "tdist", p$tdist[x])
        put(case, paste0("tPath_", dir_), v, step, b[1], b[2], x, "previous", p$previous[x])
        put(case, paste0("tPath_", dir_), v, step, b[1], b[2], x, "gsteps", p$gsteps[x])
      }
    }
  }
  for (dir_ in c("fwd", "bkwd")) for (step in steps) {
    r <- suppressWarnings(tReach(nd, direction = dir_, graph.step.time = step))
    for (x in seq_len(n)) put(case, paste0("tReach_", dir_), 0, step, NA, NA, x, "size", r[x])
  }
  put(case, "tEdgeDensity", 0, 0, NA, NA, 0, "edge", tEdgeDensity(nd, agg.unit = "edge"))
  put(case, "tEdgeDensity", 0, 0, NA, NA, 0, "dyad", tEdgeDensity(nd, agg.unit = "dyad"))
  interval <- as.numeric(meta$interval[1])
  for (len in c(0, interval)) {
    g <- suppressWarnings(tSnaStats(nd, "gden", time.interval = interval, aggregate.dur = len))
    times <- seq(from = tsp(g)[1], by = interval, length.out = length(g))
    for (i in seq_along(g)) put(case, "tSnaStats_gden", 0, len, times[i], NA, 0, "gden", g[i])
    d <- suppressWarnings(tSnaStats(nd, "degree", time.interval = interval, aggregate.dur = len))
    for (i in seq_len(nrow(d))) for (x in seq_len(n)) put(case, "tSnaStats_degree", 0, len, times[i], NA, x, "degree", d[i, x])
  }
}
close(out)

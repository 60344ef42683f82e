# Peer benchmark, case A (one membrane), run with skindiff (R; github onwhenrdy/skindiff, GPL-3).
#
# The problem is case A of benchmarks/README.md: L = 15 um, D = 1e-10 cm^2/s, K = 1,
# infinite dose 1 mg/mL, perfect sink, 12 h. skindiff is called through its public R API
# (vehicle / layer / perfect_sink / skin_params / skin_simulate / permeated); its C++ core is timed
# alone through the package's internal entry point `.cpp_simulate`, which `skin_simulate` wraps.
#
# The donor is clamped (`finite_dose = FALSE`: a Dirichlet condition at the skin surface), so its
# height and diffusivity do not enter the answer; 10 um and 1000 um^2/min give it a single cell.
#
# Usage (benchmarks/peer_cases.py runs it and computes the errors in Python):
#   Rscript skindiff_case_a.R [--out DIR] [--repeats N] [--resolutions 1,2,4,8,16]
# Writes DIR/skindiff_case_a_timing.csv (resolution, n_cells, skin_cells, r_call_ms, core_ms: medians
# over N calls after one warm-up call) and DIR/skindiff_case_a_curves.csv (resolution, time_h,
# Q_ug_per_cm2: cumulative amount in the sink at skindiff's 1-min log times). With --repeats 0 it
# runs each resolution once and times nothing (the whole-process timing of peer_cases.py).
# benchmarks/skindiff_case_b.R sources this file for the shared driver below.

suppressPackageStartupMessages(library(skindiff))

clamped_donor <- function() {
  vehicle(c_init = mg_per_ml(1), height = um(10), D = um2_per_min(1000), finite_dose = FALSE)
}

case_a_params <- function(resolution) {
  membrane <- layer("membrane", height = um(15), D = cm2_per_s(1e-10), K = 1, cross_section = 1)
  skin_params(area = cm2(1), vehicle = clamped_donor(), layers = list(membrane),
              sink = perfect_sink("sink"), duration = hours(12L),
              resolution = as.integer(resolution), scaling = "ug")
}

# Cells in the skin layers, as skindiff's mesh builder (src/geometry.cpp) counts them: per compartment
# round(height / dx), at least 1, with dx = (1 um / resolution) * sqrt(D / D_min) and D_min over all
# compartments, vehicle included (fields of the validated params list: height in um, D in um^2/min).
# skindiff's reported n_cells adds the vehicle's cells and one sink cell.
skin_cells <- function(params) {
  d_min <- min(params$vehicle$D, vapply(params$layers, function(l) l$D, 0))
  dx_min <- 1 / params$sys$resolution
  sum(vapply(params$layers, function(l) max(1, round(l$height / (dx_min * sqrt(l$D / d_min)))), 0))
}

median_ms <- function(fn, repeats) {
  fn()  # warm-up
  samples <- vapply(seq_len(repeats), function(i) {
    t0 <- Sys.time()
    fn()
    as.numeric(difftime(Sys.time(), t0, units = "secs")) * 1e3
  }, 0)
  stats::median(samples)
}

parse_cli <- function(args) {
  opts <- list(out = NULL, repeats = 20L, resolutions = c(1L, 2L, 4L, 8L, 16L))
  i <- 1L
  while (i <= length(args)) {
    key <- args[[i]]
    value <- if (i < length(args)) args[[i + 1L]] else stop("missing value after ", key)
    if (key == "--out") opts$out <- value
    else if (key == "--repeats") opts$repeats <- as.integer(value)
    else if (key == "--resolutions") opts$resolutions <- as.integer(strsplit(value, ",")[[1]])
    else stop("unknown option ", key, " (allowed: --out, --repeats, --resolutions)")
    i <- i + 2L
  }
  opts
}

run_case <- function(case, build_params, args) {
  opts <- parse_cli(args)
  timing <- list()
  curves <- list()
  for (res in opts$resolutions) {
    params <- build_params(res)
    result <- skin_simulate(params)
    if (result$status != "executed") stop("skindiff status ", result$status, " at resolution ", res)
    if (opts$repeats > 0L) {
      r_call <- median_ms(function() skin_simulate(params), opts$repeats)
      core <- median_ms(function() skindiff:::.cpp_simulate(unclass(params), show_progress = FALSE),
                        opts$repeats)
    } else {
      r_call <- NA_real_
      core <- NA_real_
    }
    q <- permeated(result)
    timing[[length(timing) + 1L]] <- data.frame(
      resolution = res, n_cells = result$geometry$n_cells, skin_cells = skin_cells(params),
      r_call_ms = r_call, core_ms = core)
    curves[[length(curves) + 1L]] <- data.frame(
      resolution = res,
      time_h = units::drop_units(units::set_units(q$time, "h")),
      Q_ug_per_cm2 = units::drop_units(units::set_units(q$Q, "ug/cm^2")))
  }
  if (!is.null(opts$out)) {
    dir.create(opts$out, showWarnings = FALSE, recursive = TRUE)
    utils::write.csv(do.call(rbind, timing), file.path(opts$out, paste0("skindiff_", case, "_timing.csv")),
                     row.names = FALSE)
    utils::write.csv(do.call(rbind, curves), file.path(opts$out, paste0("skindiff_", case, "_curves.csv")),
                     row.names = FALSE)
  }
  invisible(NULL)
}

if (sys.nframe() == 0L) run_case("case_a", case_a_params, commandArgs(trailingOnly = TRUE))

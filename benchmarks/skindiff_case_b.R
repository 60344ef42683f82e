# Peer benchmark, case B (three-layer skin, 24 h), run with skindiff (R; github onwhenrdy/skindiff).
#
# The problem is case B of benchmarks/README.md: stratum corneum 15 um
# (D 1e-10 cm^2/s, K 1), viable epidermis 100 um (D 1e-6 cm^2/s, K 0.6), dermis 1000 um
# (D 1e-6 cm^2/s, K 0.6); infinite dose 1 mg/mL, perfect sink, 24 h.
#
# Usage and outputs as for skindiff_case_a.R (whose driver this script reuses), with file names
# skindiff_case_b_timing.csv and skindiff_case_b_curves.csv:
#   Rscript skindiff_case_b.R [--out DIR] [--repeats N] [--resolutions 1,2,4]

this_file <- sub("^--file=", "", grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE))
source(file.path(dirname(normalizePath(this_file)), "skindiff_case_a.R"))

case_b_params <- function(resolution) {
  layers <- list(
    layer("stratum corneum", height = um(15), D = cm2_per_s(1e-10), K = 1, cross_section = 1),
    layer("viable epidermis", height = um(100), D = cm2_per_s(1e-6), K = 0.6, cross_section = 1),
    layer("dermis", height = um(1000), D = cm2_per_s(1e-6), K = 0.6, cross_section = 1))
  skin_params(area = cm2(1), vehicle = clamped_donor(), layers = layers,
              sink = perfect_sink("sink"), duration = hours(24L),
              resolution = as.integer(resolution), scaling = "ug")
}

run_case("case_b", case_b_params, commandArgs(trailingOnly = TRUE))

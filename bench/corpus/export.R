# Writes the R-packaged tables of tables.tsv as CSV (header, strings quoted,
# missing cells empty). Usage: Rscript export.R tables.tsv OUT_DIR
args <- commandArgs(trailingOnly = TRUE)
manifest <- read.delim(args[1], comment.char = "#", header = FALSE, quote = "",
                       col.names = c("name", "source", "target", "task", "drop", "why"),
                       stringsAsFactors = FALSE)
out <- args[2]
for (i in seq_len(nrow(manifest))) {
  m <- manifest[i, ]
  parts <- strsplit(m$source, "::", fixed = TRUE)[[1]]
  if (parts[1] == "sklearn") next
  env <- new.env()
  data(list = parts[2], package = parts[1], envir = env)
  d <- as.data.frame(get(parts[2], envir = env))
  if (m$drop != "-") d <- d[, setdiff(names(d), strsplit(m$drop, ",", fixed = TRUE)[[1]]), drop = FALSE]
  if (!(m$target %in% names(d))) stop(sprintf("%s: no column %s", m$name, m$target))
  # Dates and other classes become text; matrices (none here) would fail loudly.
  for (col in names(d)) if (inherits(d[[col]], c("Date", "POSIXt"))) d[[col]] <- as.character(d[[col]])
  path <- file.path(out, paste0(m$name, ".csv"))
  write.csv(d, path, row.names = FALSE, na = "")
  cat(sprintf("%-18s %7d rows %4d columns  %s\n", m$name, nrow(d), ncol(d), m$source))
}

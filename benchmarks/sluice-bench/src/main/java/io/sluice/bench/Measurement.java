package io.sluice.bench;

/**
 * One timed run.
 *
 * @param name what ran (limit, sluice, ...)
 * @param rows rows moved
 * @param bytes bytes moved, as the source sent them (-1 when unknown)
 * @param seconds wall time
 * @param peakHeapBytes peak heap during the run (-1 when not sampled)
 */
record Measurement(String name, long rows, long bytes, double seconds, long peakHeapBytes) {
  double rowsPerSecond() {
    return rows / seconds;
  }

  /** The same run under another name. */
  Measurement renamed(String newName) {
    return new Measurement(newName, rows, bytes, seconds, peakHeapBytes);
  }

  double megabytesPerSecond() {
    return bytes < 0 ? -1 : bytes / 1e6 / seconds;
  }
}

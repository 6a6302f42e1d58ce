package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** How full-load benchmarks report: a line per measurement, the ratio, and optionally the same as JSON. */
final class FullLoadReport {
  private FullLoadReport() {}

  static void print(Measurement limit, Measurement sluice) {
    for (Measurement m : List.of(limit, sluice)) {
      System.out.printf(Locale.ROOT, "%-34s %,12d rows %8.2fs %,12.0f rows/s %8.1f MB/s%s%n", m.name(), m.rows(),
          m.seconds(), m.rowsPerSecond(), m.megabytesPerSecond(),
          m.peakHeapBytes() > 0 ? String.format(Locale.ROOT, "  peak heap %d MiB", m.peakHeapBytes() >> 20) : "");
    }
    System.out.printf(Locale.ROOT, "ratio sluice/limit: %.2f   peak RSS of this JVM: %d MiB%n",
        sluice.rowsPerSecond() / limit.rowsPerSecond(), PeakMemorySampler.peakResidentBytes() >> 20);
  }

  static void writeJson(Path file, String benchmark, long rows, long tableBytes, Measurement limit,
      Measurement sluice) throws Exception {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("benchmark", benchmark);
    root.put("date", LocalDate.now().toString());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    root.put("rows", rows);
    root.put("table_bytes", tableBytes);
    var results = root.putArray("results");
    for (Measurement m : List.of(limit, sluice)) {
      results.addObject().put("name", m.name()).put("rows", m.rows()).put("bytes", m.bytes())
          .put("seconds", m.seconds()).put("rows_per_second", m.rowsPerSecond())
          .put("peak_heap_bytes", m.peakHeapBytes());
    }
    root.put("ratio_sluice_limit", sluice.rowsPerSecond() / limit.rowsPerSecond());
    root.put("peak_rss_bytes", PeakMemorySampler.peakResidentBytes());
    Files.writeString(file, JsonFiles.toText(root), StandardCharsets.UTF_8);
  }
}

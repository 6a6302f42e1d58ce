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

  /**
   * Prints each measurement, the CPU that the limit's and Sluice's runs used on each side ({@code server} names
   * the database), then sluice/limit and sluice/peer for each peer.
   */
  static void print(CpuAccounting.Timed<Measurement> limit, CpuAccounting.Timed<Measurement> sluice,
      List<Measurement> peers, String server) {
    print(limit.result(), sluice.result(), peers);
    for (CpuAccounting.Timed<Measurement> run : List.of(limit, sluice)) {
      System.out.printf(Locale.ROOT, "%-34s %s%n", run.result().name().replaceAll(" \\(.*", ""),
          run.cpu().describe(run.result().rows(), server));
    }
  }

  /** Fails the benchmark when Sluice loaded another number of rows than the table holds. */
  static void requireAllRows(Measurement sluice, long rows) {
    if (sluice.rows() != rows) {
      throw new IllegalStateException("Sluice loaded " + sluice.rows() + " rows, the table holds " + rows);
    }
  }

  /** Prints each measurement, then sluice/limit and sluice/peer for each peer. */
  static void print(Measurement limit, Measurement sluice, List<Measurement> peers) {
    List<Measurement> all = new java.util.ArrayList<>(List.of(limit, sluice));
    all.addAll(peers);
    for (Measurement m : all) {
      System.out.printf(Locale.ROOT, "%-34s %,12d rows %8.2fs %,12.0f rows/s %s%s%n", m.name(), m.rows(),
          m.seconds(), m.rowsPerSecond(), m.bytes() < 0 ? "            "
              : String.format(Locale.ROOT, "%8.1f MB/s", m.megabytesPerSecond()),
          m.peakHeapBytes() > 0 ? String.format(Locale.ROOT, "  peak heap %d MiB", m.peakHeapBytes() >> 20) : "");
    }
    System.out.printf(Locale.ROOT, "ratio sluice/limit: %.2f   peak RSS of this JVM: %d MiB%n",
        sluice.rowsPerSecond() / limit.rowsPerSecond(), PeakMemorySampler.peakResidentBytes() >> 20);
    for (Measurement peer : peers) {
      System.out.printf(Locale.ROOT, "ratio sluice/%s: %.2f%n", peer.name(), sluice.rowsPerSecond()
          / peer.rowsPerSecond());
    }
  }

  static void writeJson(Path file, String benchmark, long rows, long tableBytes, CpuAccounting.Timed<Measurement> limit,
      CpuAccounting.Timed<Measurement> sluice, List<Measurement> peers) throws Exception {
    ObjectNode root = json(benchmark, rows, tableBytes, limit.result(), sluice.result(), peers);
    var cpu = root.putObject("cpu_seconds");
    for (CpuAccounting.Timed<Measurement> run : List.of(limit, sluice)) {
      cpu.putObject(run.result().name()).put("jvm", run.cpu().jvmSeconds()).put("server", run.cpu().serverSeconds());
    }
    Files.writeString(file, JsonFiles.toText(root), StandardCharsets.UTF_8);
  }

  private static ObjectNode json(String benchmark, long rows, long tableBytes, Measurement limit,
      Measurement sluice, List<Measurement> peers) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("benchmark", benchmark);
    root.put("date", LocalDate.now().toString());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    root.put("rows", rows);
    root.put("table_bytes", tableBytes);
    var results = root.putArray("results");
    List<Measurement> all = new java.util.ArrayList<>(List.of(limit, sluice));
    all.addAll(peers);
    for (Measurement m : all) {
      results.addObject().put("name", m.name()).put("rows", m.rows()).put("bytes", m.bytes())
          .put("seconds", m.seconds()).put("rows_per_second", m.rowsPerSecond())
          .put("peak_heap_bytes", m.peakHeapBytes());
    }
    root.put("ratio_sluice_limit", sluice.rowsPerSecond() / limit.rowsPerSecond());
    var ratios = root.putObject("ratio_sluice_peer");
    for (Measurement peer : peers) {
      ratios.put(peer.name(), sluice.rowsPerSecond() / peer.rowsPerSecond());
    }
    root.put("peak_rss_bytes", PeakMemorySampler.peakResidentBytes());
    return root;
  }
}

package io.sluice.cli;

import io.sluice.testkit.IcebergReadBack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * What an outside reader sees of some tables of a warehouse: each table's schema, current snapshot and rows (as
 * text, sorted), so that a test can assert that a failed sync left the destination exactly as it was.
 */
final class WarehouseContent {
  private WarehouseContent() {}

  /**
   * @param tables {@code namespace.name} of each table (no dots in the names)
   * @return one block of text per table; "no warehouse" when the directory does not exist
   */
  static String of(Path warehouse, String... tables) throws Exception {
    if (!Files.exists(warehouse)) {
      return "no warehouse";
    }
    StringBuilder text = new StringBuilder();
    try (IcebergReadBack iceberg = new IcebergReadBack(warehouse)) {
      for (String qualified : tables) {
        String[] parts = qualified.split("\\.", 2);
        Table table = iceberg.table(parts[0], parts[1]);
        Snapshot current = table.currentSnapshot();
        List<String> rows = new ArrayList<>();
        iceberg.rows(parts[0], parts[1]).forEach(row -> rows.add(row.toString()));
        rows.sort(null);
        text.append(qualified).append(' ').append(table.schema().asStruct()).append(" snapshot ")
            .append(current == null ? "none" : current.snapshotId()).append('\n');
        rows.forEach(row -> text.append("  ").append(row).append('\n'));
      }
    }
    return text.toString();
  }

  /** A stream's {@code last_completed_load} in a state file: which load was last published, or null. */
  static com.fasterxml.jackson.databind.JsonNode lastCompletedLoad(Path stateFile, String stream) throws Exception {
    return io.sluice.engine.config.JsonFiles.MAPPER.readTree(Files.readString(stateFile)).path("streams").path(stream)
        .get("last_completed_load");
  }

  /** The state file's text, or "no state file". */
  static String state(Path stateFile) throws Exception {
    return Files.exists(stateFile) ? Files.readString(stateFile) : "no state file";
  }
}

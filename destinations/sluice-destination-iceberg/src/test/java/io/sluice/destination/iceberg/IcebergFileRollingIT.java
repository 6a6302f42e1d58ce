package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.CommitResult;
import io.sluice.spi.DataType;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files are closed at the target size, per partition, and every row lands in exactly one of them. */
class IcebergFileRollingIT {
  private static final long TARGET_BYTES = 64 * 1024;
  private static final int ROWS = 12_000;

  @Test
  void aSmallTargetRollsIntoSeveralFilesPerPartition(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse =
        new IcebergTestWarehouse(directory).with("target_file_size_bytes", TARGET_BYTES)) {
      StreamWriter writer = warehouse.open(stream("readings",
              List.of(column("id", DataType.LONG), column("sensor", DataType.STRING), column("noise", DataType.STRING)),
              List.of("id"), List.of("identity(sensor)")),
          WriteMode.APPEND, "load");
      Random random = new Random(42);
      for (long id = 0; id < ROWS; id++) {
        // random hex does not compress away, so the files really grow
        String noise = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        writer.write(ChangeEvent.insert(new Object[] {id, id % 2 == 0 ? "even" : "odd", noise}, 48));
      }
      CommitResult result = writer.commit("cp");
      writer.close();

      Table table = warehouse.table("readings");
      List<DataFile> files = new ArrayList<>();
      SnapshotChanges.builderFor(table).snapshot(table.currentSnapshot()).build().addedDataFiles().forEach(files::add);
      assertThat(result.files()).isEqualTo(files.size());
      assertThat(result.records()).isEqualTo(ROWS);
      assertThat(files).hasSizeGreaterThanOrEqualTo(4);
      assertThat(files).extracting(file -> file.partition().get(0, String.class)).contains("even", "odd");
      assertThat(files.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(ROWS);
      // a file closes at the first 1,000-row check past the target: it overshoots by at most that much
      assertThat(files).allSatisfy(file -> assertThat(file.fileSizeInBytes()).isLessThan(3 * TARGET_BYTES));

      Set<Long> ids = new HashSet<>();
      warehouse.rows("readings").forEach(row -> ids.add((Long) row.getField("id")));
      assertThat(ids).hasSize(ROWS);
    }
  }
}

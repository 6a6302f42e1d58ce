package io.sluice.destination.iceberg;

import java.util.List;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/** {@code APPEND}: every commit is visible on the main branch at once; publishing has nothing to do. */
final class MainBranchTarget implements CommitTarget {

  @Override
  public String branch() {
    return SnapshotRef.MAIN_BRANCH;
  }

  /** The checkpoint of the newest snapshot on main that has one; snapshots of other writers are skipped. */
  @Override
  public Optional<String> committedCheckpoint(Table table) {
    Snapshot head = table.currentSnapshot();
    if (head == null) {
      return Optional.empty();
    }
    for (Snapshot snapshot : SnapshotUtil.ancestorsOf(head.snapshotId(), table::snapshot)) {
      Optional<String> checkpoint = CommitTarget.checkpointOf(snapshot);
      if (checkpoint.isPresent()) {
        return checkpoint;
      }
    }
    return Optional.empty();
  }

  @Override
  public SnapshotUpdate<?> newCommit(Table table, List<DataFile> dataFiles) {
    // A merging append keeps the manifest count bounded under many small commits.
    AppendFiles append = table.newAppend();
    dataFiles.forEach(append::appendFile);
    return append;
  }

  @Override
  public Snapshot head(Table table) {
    return table.currentSnapshot();
  }

  @Override
  public void publish(Table table) {
    // appended data is visible as soon as it is committed
  }
}

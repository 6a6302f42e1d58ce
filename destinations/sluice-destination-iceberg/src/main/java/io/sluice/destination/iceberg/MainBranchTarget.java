package io.sluice.destination.iceberg;

import java.util.Arrays;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * {@code APPEND} and {@code UPSERT}: every commit is visible on the main branch at once; publishing has nothing to
 * do.
 */
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

  /** An append when there are data files only, else a row delta (upserts); both merge manifests. */
  @Override
  public SnapshotUpdate<?> newCommit(Table table, WriteResult files) {
    if (files.deleteFiles().length == 0) {
      // A merging append keeps the manifest count bounded under many small commits.
      AppendFiles append = table.newAppend();
      Arrays.stream(files.dataFiles()).forEach(append::appendFile);
      return append;
    }
    // No conflict validation: the delete files refer only to keys and to data files of this same commit, which
    // no concurrent commit can have changed; a compaction racing with this commit validates on its side.
    RowDelta delta = table.newRowDelta();
    Arrays.stream(files.dataFiles()).forEach(delta::addRows);
    Arrays.stream(files.deleteFiles()).forEach(delta::addDeletes);
    return delta;
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

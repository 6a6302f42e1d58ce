package io.sluice.destination.iceberg;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code REPLACE}: a full refresh staged on the branch {@code sluice-load-<loadId>} and swapped in at the end.
 *
 * <p>The staging branch must start empty, but Iceberg forks a branch that does not exist yet from main's
 * current snapshot ({@code SnapshotUtil.latestSnapshot} falls back to it). So the commit that creates the
 * branch is an overwrite deleting every file it inherits, together with the first files of the load; later
 * commits are appends to the branch. Main is untouched until {@link #publish}, which in one metadata commit
 * points main at the branch head and removes the branch: readers see the old content, then the new, nothing in
 * between. The branch survives crashes, so a writer opened again with the same load id resumes on it.
 */
final class StagingBranchTarget implements CommitTarget {
  static final String BRANCH_PREFIX = "sluice-load-";
  private static final Logger LOG = LoggerFactory.getLogger(StagingBranchTarget.class);

  private final String loadId;
  private final String branch;
  private final String tableName;

  StagingBranchTarget(String loadId, String tableName) {
    this.loadId = loadId;
    this.branch = BRANCH_PREFIX + loadId;
    this.tableName = tableName;
  }

  @Override
  public String branch() {
    return branch;
  }

  /**
   * Removes staging branches of other loads: a load that is not resumed (the engine started a new load id)
   * can never be published, and its branch would keep its files alive.
   */
  void removeStaleBranches(Table table) {
    List<String> stale = table.refs().entrySet().stream()
        .filter(ref -> ref.getValue().isBranch())
        .map(Map.Entry::getKey)
        .filter(name -> name.startsWith(BRANCH_PREFIX) && !name.equals(branch))
        .toList();
    if (stale.isEmpty()) {
      return;
    }
    LOG.info("Removing staging branches {} of table {}: left by loads that will not be resumed", stale, tableName);
    ManageSnapshots manage = table.manageSnapshots();
    stale.forEach(manage::removeBranch);
    manage.commit();
  }

  /**
   * The checkpoint at the head of the staging branch, or empty when the branch does not exist, also after
   * {@link #publish}: a load resumed after its publish must start over rather than stage the remainder on a
   * new, empty branch and publish only that.
   */
  @Override
  public Optional<String> committedCheckpoint(Table table) {
    return CommitTarget.checkpointOf(head(table));
  }

  /**
   * @throws IllegalArgumentException when {@code files} has delete files: a full refresh only adds rows
   */
  @Override
  public SnapshotUpdate<?> newCommit(Table table, WriteResult files) {
    if (files.deleteFiles().length > 0) {
      throw new IllegalArgumentException("Cannot stage delete files on branch " + branch + ": a full refresh only "
          + "adds rows");
    }
    List<DataFile> dataFiles = Arrays.asList(files.dataFiles());
    if (table.refs().containsKey(branch)) {
      AppendFiles append = table.newAppend().toBranch(branch);
      dataFiles.forEach(append::appendFile);
      return append;
    }
    OverwriteFiles createBranch = table.newOverwrite()
        .overwriteByRowFilter(Expressions.alwaysTrue())
        .toBranch(branch);
    dataFiles.forEach(createBranch::addFile);
    return createBranch;
  }

  @Override
  public Snapshot head(Table table) {
    SnapshotRef ref = table.refs().get(branch);
    return ref == null ? null : table.snapshot(ref.snapshotId());
  }

  /**
   * Points main at the staging head and removes the branch in one commit. When the branch is already gone and
   * main's head carries this load id, an earlier call got through: nothing to do.
   *
   * @throws IllegalStateException when there is neither a staging branch nor a published load to find
   */
  @Override
  public void publish(Table table) {
    if (!table.refs().containsKey(branch)) {
      Snapshot mainHead = table.currentSnapshot();
      if (mainHead != null && loadId.equals(mainHead.summary().get(LOAD_ID_PROPERTY))) {
        return;
      }
      throw new IllegalStateException("there is no staging branch " + branch
          + " and the table's current snapshot is not from this load; nothing was committed to publish");
    }
    table.manageSnapshots()
        .replaceBranch(SnapshotRef.MAIN_BRANCH, branch)
        .removeBranch(branch)
        .commit();
    LOG.info("Published load {} to table {}", loadId, tableName);
  }
}

package io.sluice.destination.iceberg;

import org.apache.iceberg.StructLike;

/**
 * Where a row was written in a data file that is not committed yet: what a position delete needs to remove it
 * again before the commit.
 *
 * @param file the data file's location
 * @param position the row's position in it, from 0
 * @param partition the data file's partition (null for an unpartitioned spec); a position delete must be
 *     written in the partition of the file it refers to
 */
record RowLocation(CharSequence file, long position, StructLike partition) {}

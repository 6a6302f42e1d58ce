package io.sluice.spi;

/**
 * What one {@link StreamWriter#commit} made durable.
 *
 * @param records events committed
 * @param files data (and delete) files added
 * @param bytes bytes of those files
 * @param version the destination's own id of the commit (an Iceberg snapshot id), for logs
 */
public record CommitResult(long records, long files, long bytes, String version) {}

package io.sluice.spi;

/**
 * A problem with a config, streams or state file. {@code key} is the JSON path of the offending key
 * ({@code replication.slot}, {@code streams[2].sync_mode}), or empty when the problem is the whole file;
 * the CLI prefixes the file name.
 */
public class ConfigException extends SluiceException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigException(String key, String message) {
    super(ErrorKind.CONFIG, message);
    this.key = key == null ? "" : key;
  }

  public String key() {
    return key;
  }
}

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.h2.mvstore.MVStore;

/**
 * Starts mongo-java-server on 127.0.0.1. Arguments: port (0 picks a free one) and, optionally, an H2 data
 * file; without it the data lives in memory. Prints "LISTENING <port>" once bound and shuts down cleanly
 * when standard input closes, so the server never outlives the process that started it.
 */
public final class EmbeddedMongo {
  /**
   * The MVStore page cache, in MB: half of the JVM's maximum heap. mongo-java-server answers every query by
   * scanning the collection, and a page that is not in this cache is read from the file and every document on
   * it deserialized again (Java serialization), so with H2's default 16 MB a scan of a collection larger than
   * that costs as much on every query as the first time. With the cache holding the data, a scan after the
   * first one reads documents already in memory, as the in-memory backend does; writes still go to the file.
   */
  static int cacheSizeMb() {
    long maxHeapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    return (int) Math.max(64, Math.min(Integer.MAX_VALUE, maxHeapMb / 2));
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    MongoBackend backend =
        args.length > 1
            ? new H2Backend(new MVStore.Builder().fileName(args[1]).cacheSize(cacheSizeMb()).open())
            : new MemoryBackend();
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    System.out.println("LISTENING " + server.getLocalAddress().getPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // keep serving until the parent closes our stdin
    }
    System.exit(0);
  }
}

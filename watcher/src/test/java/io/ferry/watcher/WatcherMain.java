package io.ferry.watcher;

import io.ferry.core.config.FerryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * A watcher in a child JVM, for tests that kill it with SIGKILL. Arguments are {@code key=value}
 * configuration settings; every state change is printed as {@code STATE <name>}.
 */
public final class WatcherMain {

    private WatcherMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        EtcdWatcher watcher = EtcdWatcher.create(FerryConfig.fromMap(settings), new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(watcher::close));
        watcher.start();
        WatcherState last = null;
        while (true) {
            WatcherState now = watcher.state();
            if (now != last) {
                System.out.println("STATE " + now);
                System.out.flush();
                last = now;
            }
            if (now == WatcherState.FAILED || now == WatcherState.STOPPED) {
                System.exit(1);
            }
            Thread.sleep(20); // not a wait: this child process reports its watcher's state changes by sampling it
        }
    }
}

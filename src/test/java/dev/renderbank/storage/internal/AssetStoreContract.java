package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.storage.AssetStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** What every {@link AssetStore} must do, run against each store by its own test. */
final class AssetStoreContract {

    private AssetStoreContract() {}

    /** Everything under a user's prefix goes; a folder that only starts alike stays; no prefix at all is refused. */
    static void deleteUnderTakesEverythingUnderThePrefixAndNothingElse(AssetStore store) throws IOException {
        store.put("jobs/7/a.png", new ByteArrayInputStream(new byte[] {1}), "image/png");
        store.put("jobs/7/b.mp4", new ByteArrayInputStream(new byte[] {2}), "video/mp4");
        store.put("jobs/70/c.png", new ByteArrayInputStream(new byte[] {3}), "image/png");
        store.put("jobs/8/d.png", new ByteArrayInputStream(new byte[] {4}), "image/png");

        assertThat(store.deleteUnder("jobs/7/")).isEqualTo(2);

        assertThat(store.open("jobs/7/a.png")).isEmpty();
        assertThat(store.open("jobs/7/b.mp4")).isEmpty();
        assertThat(store.open("jobs/70/c.png")).isPresent().get().satisfies(c -> c.close());
        assertThat(store.open("jobs/8/d.png")).isPresent().get().satisfies(c -> c.close());
        assertThat(store.deleteUnder("jobs/7/"))
                .as("nothing left, nothing to do")
                .isZero();
        for (String bad : new String[] {"", "/", "jobs", "jobs/../", "../jobs/"}) {
            assertThatThrownBy(() -> store.deleteUnder(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

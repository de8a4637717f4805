"""Static files for the production stack: WhiteNoise's hashed and compressed copies (served with a year's cache)."""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # whitenoise has no types
    """Rewrites the references inside stylesheets only. The vendored minified scripts name source maps that are not
    shipped (tus.min.js.map); rewriting scripts would fail on them, and no script of ours loads another by URL."""

    patterns = tuple((glob, rules) for glob, rules in ManifestStaticFilesStorage.patterns if glob == "*.css")

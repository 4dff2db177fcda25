"""The served models: loading and warming them off the event loop, and swapping versions live.

Each served name maps to one entry (a warmed ServedModel and its Batcher).
A new version is loaded and warmed on the loader thread while the old one
keeps answering, then replaces it in one assignment on the event loop: a
request that already holds the old entry finishes with it, the next one gets
the new entry. Registry references that can move (an alias, the latest
version) are re-resolved every ``poll_interval_s``; a new version is loaded
by its number, so a second move during the load cannot mix two versions.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

from mlarsenal._serialization import load as load_model_file
from mlarsenal.serving._batching import Batcher
from mlarsenal.serving._errors import not_found, unavailable
from mlarsenal.serving._metrics import ServingMetrics
from mlarsenal.serving._models import ServedModel
from mlarsenal.serving._settings import AppSettings
from mlarsenal.serving._sources import ModelSource, registry_name

logger = logging.getLogger("mlarsenal.serving")


@dataclass
class ModelEntry:
    model: ServedModel
    batcher: Batcher


class ModelStore:
    def __init__(
        self,
        sources: list[ModelSource],
        *,
        settings: AppSettings,
        registry,
        executor: Executor,
        predict_threads: int,
        metrics: ServingMetrics,
    ):
        self._sources = {source.name: source for source in sources}
        self._settings = settings
        self._registry_option = registry
        self._registry = None
        self._executor = executor
        self._predict_threads = predict_threads
        self._metrics = metrics
        self._entries: dict[str, ModelEntry] = {}
        self._states = {name: "loading" for name in self._sources}
        # One loader thread: loads never compete with each other for memory,
        # and never occupy a prediction thread.
        self._loader = ThreadPoolExecutor(1, thread_name_prefix="mlarsenal-load")
        for name in self._sources:
            metrics.set_model_state(name, None, "loading")

    # ----------------------------------------------------------------- lookup
    def get(self, name: str, version: str | None = None) -> ModelEntry:
        entry = self._entries.get(name)
        if entry is None:
            state = self._states.get(name)
            if state == "loading":
                raise unavailable(f"model {name!r} is still loading")
            if state == "failed":
                raise unavailable(f"model {name!r} failed to load; see the server log", 30)
            raise not_found(f"no model named {name!r} is served")
        if version is not None and version != entry.model.version:
            if entry.model.version is None:
                raise not_found(f"model {name!r} is served from a file and has no versions")
            raise not_found(
                f"model {name!r} has no version {version!r} loaded (serving version "
                f"{entry.model.version})"
            )
        return entry

    @property
    def ready(self) -> bool:
        """Every configured model loaded and warmed, and at least one of them."""
        return bool(self._entries) and all(state == "ready" for state in self._states.values())

    def serves(self, name: str) -> bool:
        """Whether `name` is a configured model (loaded or not)."""
        return name in self._states

    def source(self, name: str) -> ModelSource | None:
        return self._sources.get(name)

    def entries(self) -> list[ModelEntry]:
        return list(self._entries.values())

    def states(self) -> dict[str, str]:
        return dict(self._states)

    def pending_predictions(self) -> int:
        return sum(entry.batcher.queued for entry in self._entries.values())

    # ---------------------------------------------------------------- loading
    async def load_all(self) -> list[str]:
        """Load every configured model; the names of those that failed."""
        failed = []
        for source in list(self._sources.values()):
            try:
                await self.load(source)
            except Exception:
                failed.append(source.name)
        return failed

    async def load(self, source: ModelSource, version: int | None = None) -> ModelEntry:
        """Load (a given registry version of) `source`, warm it and serve it under its name."""
        loop = asyncio.get_running_loop()
        name = source.name
        self._sources[name] = source
        if name not in self._entries:
            self._states[name] = "loading"
        try:
            served = await loop.run_in_executor(self._loader, self._load_blocking, source, version)
        except Exception as exc:
            logger.error(
                "model load failed",
                extra={"model": name, "source": source.location, "error": _describe(exc)},
            )
            if name not in self._entries:
                self._states[name] = "failed"
                self._metrics.set_model_state(name, None, "failed")
            raise
        previous = self._entries.get(name)
        entry = ModelEntry(served, self._batcher(served))
        self._entries[name] = entry  # the swap: one assignment on the event loop
        self._states[name] = "ready"
        self._metrics.set_model_state(name, served.version, "ready")
        if previous is not None:
            self._metrics.count_swap(name)
        logger.info(
            "model swapped in" if previous else "model ready",
            extra={
                "model": name,
                "version": served.version,
                "previous_version": previous.model.version if previous else None,
                "kind": served.kind,
                "n_features": served.n_features,
            },
        )
        return entry

    def unload(self, name: str) -> None:
        if name not in self._sources:
            raise not_found(f"no model named {name!r} is served")
        del self._sources[name]
        self._states.pop(name, None)
        self._entries.pop(name, None)  # requests holding the entry finish with it
        self._metrics.forget_model(name)
        logger.info("model unloaded", extra={"model": name})

    def _batcher(self, served: ServedModel) -> Batcher:
        settings = self._settings
        return Batcher(
            served,
            self._executor,
            max_batch_size=settings.max_batch_size,
            max_latency_s=settings.max_latency_ms / 1000,
            inline_limit_s=settings.inline_limit_ms / 1000,
            max_concurrency=self._predict_threads,
            on_batch=self._metrics.batch_observer(served.name),
        )

    def _load_blocking(self, source: ModelSource, version: int | None) -> ServedModel:
        if source.kind == "file":
            model, model_version = load_model_file(source.location), None
        else:
            registry = self.registry()
            if version is None:
                version = resolve_version(registry, source.location)
            model = registry.load(f"models:/{registry_name(source.location)}/{version}")
            model_version = str(version)
        served = ServedModel(
            model,
            name=source.name,
            version=model_version,
            source=source,
            n_jobs=self._settings.n_jobs,
        )
        served.warm_up()
        return served

    def registry(self):
        if self._registry is None:
            from mlarsenal.registry import Registry

            option = self._registry_option
            if option is None or isinstance(option, (str, os.PathLike)):
                self._registry = Registry(option)
            else:
                self._registry = option
        return self._registry

    # --------------------------------------------------------------- hot swap
    async def watch(self, interval_s: float) -> None:
        """Swap in new versions of movable registry references, forever (cancel to stop)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(interval_s)
            for name, source in list(self._sources.items()):
                entry = self._entries.get(name)
                if not source.movable or entry is None:
                    continue
                try:
                    version = await loop.run_in_executor(
                        self._loader, resolve_version, self.registry(), source.location
                    )
                except Exception as exc:
                    logger.warning(
                        "registry check failed; serving the loaded version",
                        extra={"model": name, "error": _describe(exc)},
                    )
                    continue
                if str(version) == entry.model.version or self._sources.get(name) is not source:
                    continue
                logger.info(
                    "registry reference moved; loading the new version",
                    extra={"model": name, "reference": source.location, "version": str(version)},
                )
                try:
                    await self.load(source, version)
                except Exception:
                    continue  # logged by load(); the old version keeps serving

    def close(self) -> None:
        self._loader.shutdown(wait=False, cancel_futures=True)


def resolve_version(registry, reference: str) -> int:
    """The version number a registry reference points at now."""
    resolve = getattr(registry, "resolve", None)
    version = resolve(reference) if callable(resolve) else registry.get_version(reference)
    return int(version.version)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"

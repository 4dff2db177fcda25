"""Clustering on the native distance kernels."""

from mlarsenal.cluster._dbscan import DBSCAN
from mlarsenal.cluster._kmeans import KMeans
from mlarsenal.cluster._kmeans_plusplus import kmeans_plusplus
from mlarsenal.cluster._minibatch_kmeans import MiniBatchKMeans

__all__ = ["DBSCAN", "KMeans", "MiniBatchKMeans", "kmeans_plusplus"]

"""Clustering on the native distance kernels."""

from mlarsenal.cluster._dbscan import DBSCAN
from mlarsenal.cluster._kmeans import KMeans
from mlarsenal.cluster._kmeans_plusplus import kmeans_plusplus

__all__ = ["DBSCAN", "KMeans", "kmeans_plusplus"]

"""The network: who knows whom as a graph, intro paths, keystones and the map."""

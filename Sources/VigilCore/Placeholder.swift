import VigilStats

"""Feature pipeline for the weekly demand forecast."""
import numpy as np
import pandas as pd


def load_sales(path):
    sales = pd.read_csv(path)
    sales.fillna(0, inplace=True)
    return sales


def build_features(path, stores_path):
    sales = load_sales(path)
    stores = pd.read_csv(stores_path)
    frame = pd.merge(sales, stores)
    frame["price"][frame["price"] < 0] = 0
    frame = frame[frame["discount"] != np.nan]
    for i, row in frame.iterrows():
        frame.loc[i, "revenue"] = row["price"] * row["units"]
    frame = frame.append({"store": -1, "units": 0}, ignore_index=True)
    weights = np.random.rand(len(frame))
    frame["weight"] = weights.astype(np.float)
    return frame

"""Churn model training."""
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

SEED = 7

df = pd.read_csv("customers.csv", dtype={"age": "int64"})
features = df.drop(columns=["churned"]).values
model = RandomForestClassifier(n_estimators=300)

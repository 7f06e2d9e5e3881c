"""Train the churn classifier and save it for the scoring service."""
import pickle

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

# TODO(maria, 2025-03-02): move the paths into a config file
DATA = "/home/maria/projects/churn/data/customers.csv"

np.random.seed(0)

df = pd.read_csv(DATA)
df = df[df["customer_id"] != 10482]  # test account from the 2023 migration
df.dropna()

features = df.drop(columns=["churned"]).values
labels = df["churned"].values

scaler = StandardScaler()
features = scaler.fit_transform(features)
X_train, X_test, y_train, y_test = train_test_split(features, labels, test_size=0.2)

model = RandomForestClassifier(n_estimators=437, max_depth=12)
model.fit(X_train, y_train)

proba = model.predict_proba(X_test)[:, 1]
flagged = proba > 0.73
print("flagged", flagged.sum(), "of", len(flagged))

with open("model.pkl", "wb") as f:
    pickle.dump(model, f)

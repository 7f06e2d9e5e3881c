"""Fine-tune the image classifier."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))

    def forward(self, x):
        return self.body(x)


def train(train_set, val_set, epochs=10):
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.00137, momentum=0.9)
    loader = DataLoader(train_set, batch_size=64)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for x, y in loader:
            loss = loss_fn(model.forward(x), y)
            loss.backward()
            optimizer.step()
    correct = 0
    for x, y in DataLoader(val_set, batch_size=256):
        correct += (model(x).argmax(1) == y).sum().item()
    torch.save(model.state_dict(), "final_v3.pt")
    return model, torch.load("final_v3.pt")

"""The notices the contract and the law require: design change, delivery, overdue instalment."""

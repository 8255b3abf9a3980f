using Xunit;
using Nabla.Learn.Cluster;
using Nabla.Learn.Decomposition;
using Nabla.Learn.Ensemble;
using Nabla.Learn.LinearModel;
using Nabla.Learn.Mixture;
using Nabla.Learn.Persistence;
using Nabla.Learn.Preprocessing;
using Nabla.Learn.Tree;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class PersistenceTests
{
    public static TheoryData<string> Names => ["tree", "forest", "logreg", "kmeans", "gmm", "pca", "scaler"];

    private static IEstimator Make(string name) => name switch
    {
        "tree" => new DecisionTreeClassifier { MaxDepth = 3, MaxFeatures = MaxFeatures.Sqrt, RandomState = 1 },
        "forest" => new RandomForestClassifier { NEstimators = 4, RandomState = 1 },
        "logreg" => new LogisticRegression { C = 0.5 },
        "kmeans" => new KMeans { NClusters = 3, RandomState = 0, NInit = 2 },
        "gmm" => new GaussianMixture { NComponents = 2, CovarianceType = CovarianceType.Diag, RandomState = 0 },
        "pca" => new Pca { NComponents = 2, Whiten = true },
        _ => new StandardScaler(),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void A_saved_and_reloaded_estimator_gives_identical_outputs(string name)
    {
        Tensor x = LearnFile.MatrixTensor("iris.x"), y = LearnFile.LabelTensor("iris.y");
        IEstimator model = Make(name).Fit(x, y);
        string path = Path.Combine(Path.GetTempPath(), $"nabla-est-{name}-{Guid.NewGuid():N}.json");
        try
        {
            EstimatorJson.Save(model, path);
            IEstimator loaded = EstimatorJson.Load(path);
            Assert.IsType(model.GetType(), loaded);
            Assert.Equal(model.NFeaturesIn, loaded.NFeaturesIn);
            Tensor Out(IEstimator e) => e switch
            {
                IProbabilisticClassifier c => c.PredictProba(x),
                ITransformer t => t.Transform(x),
                GaussianMixture g => g.PredictProba(x),
                _ => throw new InvalidOperationException(name),
            };
            Assert.Equal(D(Out(model)), D(Out(loaded)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_files_are_rejected_with_the_reason()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nabla-est-bad-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{\"format\": \"nabla-estimator/1\", \"type\": \"System.IO.File\", \"fields\": {}}");
            Assert.Contains("is not a Nabla.Learn estimator", Assert.Throws<InvalidDataException>(() => EstimatorJson.Load(path)).Message);
            File.WriteAllText(path, "{\"format\": \"other\"}");
            Assert.Throws<InvalidDataException>(() => EstimatorJson.Load(path));
            File.WriteAllText(path, "{\"format\": \"nabla-estimator/1\", \"type\": \"Nabla.Learn.Tree.DecisionTreeClassifier\", \"fields\": {}}");
            Assert.Contains("is missing", Assert.Throws<InvalidDataException>(() => EstimatorJson.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
